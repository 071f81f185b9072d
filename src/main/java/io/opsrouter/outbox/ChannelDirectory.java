package io.opsrouter.outbox;

import java.util.Set;

/**
 * Which channels can deliver. The alert pipeline addresses its policies' channels; a step whose channel is not
 * enabled goes to {@link ChannelName#LOG} instead, so the embedded default with no channel configured writes what
 * would have been sent to data/notifications.jsonl.
 * <p>
 * The delivery side binds its directory in Camel's registry as {@value #BEAN}; without one (a router with no
 * delivery module) only {@link #LOG_ONLY} delivers. {@link #enabled} is asked for each message written, so it must
 * be cheap.
 */
@FunctionalInterface
public interface ChannelDirectory {
    String BEAN = "channelDirectory";

    boolean enabled(ChannelName channel);

    /** Delivery in this process that takes new rows from the transaction writing them; null: rows are claimed. */
    default Handover handover() {
        return null;
    }

    ChannelDirectory LOG_ONLY = channel -> channel == ChannelName.LOG;

    static ChannelDirectory of(Set<ChannelName> channels) {
        return channels::contains;
    }
}
