package io.opsrouter.outbox;

import java.time.Instant;

/**
 * The delivery side's word that a channel is failing (messages went dead, or it refused the router's credentials)
 * or delivers again. Sent to {@link #ENDPOINT}; {@code routes/signals.yaml} turns it into a P1 signal about the
 * channel itself, which the alert pipeline routes to the other channels.
 *
 * @param reason the last error while failing; null when recovered
 */
public record ChannelAlarm(ChannelName channel, boolean failing, String reason, Instant at) {
    public static final String ENDPOINT = "direct:channel-alarms";
}
