package io.opsrouter.alert;

import java.util.Set;

/**
 * Which notification channels can deliver. The alert pipeline addresses {@code slack}, {@code email},
 * {@code sms} and {@code webhook}; a step whose channel is not enabled goes to {@code log} instead, so the
 * embedded default with no channel configured writes what would have been sent to data/notifications.jsonl.
 * <p>
 * Bound in Camel's registry as {@value #BEAN}. The alert module binds {@link #LOG_ONLY}; the notify module binds
 * its own under the same name (a different class). Once Camel has started, the alert module uses the bound
 * directory that is not {@link #LOG_ONLY}, or {@link #LOG_ONLY} when there is none. {@link #enabled} is asked
 * for each message written, so it must be cheap.
 */
@FunctionalInterface
public interface ChannelDirectory {
    String BEAN = "channelDirectory";

    boolean enabled(String channel);

    ChannelDirectory LOG_ONLY = channel -> "log".equals(channel);

    static ChannelDirectory of(Set<String> channels) {
        return channels::contains;
    }
}
