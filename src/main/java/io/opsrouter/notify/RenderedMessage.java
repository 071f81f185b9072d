package io.opsrouter.notify;

import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Recipient;

/**
 * A notification as one channel will send it: its template applied.
 *
 * @param subject the first line, for e-mail; null elsewhere
 * @param text    the message text
 */
public record RenderedMessage(String idempotencyKey, Notification notification, String subject, String text) {
    public ChannelName channel() {
        return notification.channel();
    }

    public Recipient recipient() {
        return notification.recipient();
    }

    public String severity() {
        return notification.severity();
    }
}
