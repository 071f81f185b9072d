package io.opsrouter.outbox;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.opsrouter.app.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The notification outbox. {@link #enqueue} is called inside the transaction that changes an alert, so a
 * notification exists exactly when the change does; the dispatcher delivers pending rows afterwards.
 */
public final class Outbox {
    // the mapper's writer bound to the type: its serializer is found once, not looked up again for every row (the
    // intake writes one row per new group, thousands a second in a storm); the JSON is the mapper's own
    private static final ObjectWriter PAYLOAD = Json.MAPPER.writerFor(Notification.class);

    private Outbox() {}

    /** Adds the notification unless one with the same idempotency key exists; true when added. */
    public static boolean enqueue(Connection c, Notification n, Instant now) throws SQLException {
        return enqueueAll(c, List.of(n), now)[0];
    }

    /** Adds the notifications in one batch, each unless one with its idempotency key exists; which were added. */
    public static boolean[] enqueueAll(Connection c, List<Notification> ns, Instant now) throws SQLException {
        boolean[] added = new boolean[ns.size()];
        if (ns.isEmpty()) return added;
        OffsetDateTime ts = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO outbox (idempotency_key, channel, recipient, alert_id, kind, severity, payload, status, attempts,"
                        + " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT DO NOTHING")) {
            for (Notification n : ns) {
                ps.setString(1, n.idempotencyKey());
                ps.setString(2, n.channel().id());
                ps.setString(3, n.channel().address(n.recipient()));
                ps.setString(4, n.alerts().isEmpty() ? null : n.alerts().get(0).id());
                ps.setString(5, n.kind().label());
                ps.setString(6, n.severity());
                ps.setString(7, payload(n));
                ps.setObject(8, ts);
                ps.setObject(9, ts);
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            Set<ChannelName> channels = new LinkedHashSet<>();
            for (int i = 0; i < counts.length; i++) {
                added[i] = counts[i] == 1;
                if (added[i]) channels.add(ns.get(i).channel());
            }
            channels.forEach(OutboxWake::enqueued);
            return added;
        }
    }

    static String payload(Notification n) {
        try {
            return PAYLOAD.writeValueAsString(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
