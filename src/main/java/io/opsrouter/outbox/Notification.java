package io.opsrouter.outbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One message to one channel (and, for SMS and e-mail, one recipient), as the alert pipeline writes it
 * to the outbox in the same transaction that changes the alert. The delivery side renders it with the
 * channel's template and delivers it.
 *
 * @param idempotencyKey unique per intended message: the outbox keeps one row per key, and channels that
 *                       support it pass it on, so a retry is never a second SMS
 * @param channel        the channel it is addressed to
 * @param recipient      the person, for person-addressed channels; null for slack, webhook and log
 * @param kind           why it is sent
 * @param severity       P1, P2 or P3
 * @param groupKey       the group the alerts share (grouping labels and values)
 * @param alerts         the alerts the message is about (one, or a group)
 * @param ackUrl         the signed link that acknowledges without an API key; null for resolved messages
 * @param digest         for a {@link Kind#DIGEST}, what it stands for; null otherwise (and left out of the JSON)
 * @param earlier        for a firing message that adds alerts to a group announced before: the names of the group's
 *                       alerts announced earlier and still firing, so the message can say which alerts are new; null
 *                       otherwise (and left out of the JSON)
 */
public record Notification(
        String idempotencyKey,
        ChannelName channel,
        Recipient recipient,
        Kind kind,
        String severity,
        String groupKey,
        List<AlertView> alerts,
        String ackUrl,
        @JsonInclude(JsonInclude.Include.NON_NULL) Digest digest,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<String> earlier) {

    public enum Kind {
        FIRING,
        ESCALATION,
        REMINDER,
        ACKNOWLEDGED,
        RESOLVED,
        CHANNEL_FAILURE,
        /** Lesser messages folded into one when a channel's backlog outgrows its rate ({@link DigestFolding}). */
        DIGEST;

        public String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    public Notification {
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
        earlier = earlier == null || earlier.isEmpty() ? null : List.copyOf(earlier);
    }

    /** A message with no earlier alerts to name (a digest, or a group's first message). */
    public Notification(
            String idempotencyKey,
            ChannelName channel,
            Recipient recipient,
            Kind kind,
            String severity,
            String groupKey,
            List<AlertView> alerts,
            String ackUrl,
            Digest digest) {
        this(idempotencyKey, channel, recipient, kind, severity, groupKey, alerts, ackUrl, digest, null);
    }

    /** Every notification but a digest. */
    public Notification(
            String idempotencyKey,
            ChannelName channel,
            Recipient recipient,
            Kind kind,
            String severity,
            String groupKey,
            List<AlertView> alerts,
            String ackUrl) {
        this(idempotencyKey, channel, recipient, kind, severity, groupKey, alerts, ackUrl, null, null);
    }
}
