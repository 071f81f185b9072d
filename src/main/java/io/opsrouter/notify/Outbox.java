package io.opsrouter.notify;

import io.opsrouter.app.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The notification outbox. {@link #enqueue} is called inside the transaction that changes an alert, so a
 * notification exists exactly when the change does; the dispatcher delivers pending rows afterwards.
 */
public final class Outbox {
    private Outbox() {}

    /** Adds the notification unless one with the same idempotency key exists; true when added. */
    public static boolean enqueue(Connection c, Notification n, Instant now) throws SQLException {
        OffsetDateTime ts = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO outbox (idempotency_key, channel, recipient, alert_id, kind, severity, payload, status, attempts,"
                        + " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, n.idempotencyKey());
            ps.setString(2, n.channel());
            ps.setString(3, recipientKey(n.recipient()));
            ps.setString(4, n.alerts().isEmpty() ? null : n.alerts().get(0).id());
            ps.setString(5, n.kind().label());
            ps.setString(6, n.severity());
            ps.setString(7, Json.write(n));
            ps.setObject(8, ts);
            ps.setObject(9, ts);
            boolean added = ps.executeUpdate() == 1;
            if (added) OutboxWake.enqueued(n.channel());
            return added;
        }
    }

    private static String recipientKey(Recipient r) {
        if (r == null) return null;
        if (r.phone() != null) return r.phone();
        return r.email();
    }
}
