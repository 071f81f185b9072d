package io.opsrouter.testing;

import io.opsrouter.app.Json;
import io.opsrouter.outbox.AlertView;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.store.Sql;
import io.opsrouter.store.StateStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Outbox rows written as a test needs them, without waking a channel (a plain INSERT, not {@code Outbox.enqueue}):
 * a backlog a channel has not claimed yet, a row already dead.
 */
public final class OutboxRows {
    private OutboxRows() {}

    /** A firing message about one alert of {@code service}. */
    public static Notification firing(String key, ChannelName ch, Recipient r, String severity, String service) {
        AlertView a = new AlertView(
                "a-" + key,
                "fp-" + key,
                "firing",
                severity,
                "QueueSlow",
                "queue slow: " + key,
                null,
                Map.of("alertname", "QueueSlow", "service", service),
                Map.of(),
                Map.of(),
                Instant.now().minusSeconds(60),
                Instant.now());
        return new Notification(key, ch, r, Notification.Kind.FIRING, severity, "service=" + service, List.of(a), null);
    }

    /** Inserts pending rows due at {@code at}, in one transaction. */
    public static void insertAll(StateStore store, List<Notification> ns, Instant at) {
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (Notification n : ns) {
                    bind(ps, n, "pending", 0, null, at);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    private static final String INSERT =
            "INSERT INTO outbox (idempotency_key, channel, recipient, alert_id, kind, severity, payload,"
                    + " status, attempts, next_attempt_at, created_at, last_error)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static void bind(
            PreparedStatement ps, Notification n, String status, int attempts, String lastError, Instant at)
            throws java.sql.SQLException {
        ps.setString(1, n.idempotencyKey());
        ps.setString(2, n.channel().id());
        ps.setString(3, n.channel().address(n.recipient()));
        ps.setString(4, n.alerts().isEmpty() ? null : n.alerts().get(0).id());
        ps.setString(5, n.kind().label());
        ps.setString(6, n.severity());
        ps.setString(7, Json.write(n));
        ps.setString(8, status);
        ps.setInt(9, attempts);
        ps.setObject(10, Sql.ts(at));
        ps.setObject(11, Sql.ts(at));
        ps.setString(12, lastError);
    }

    /** Inserts the row; its id. */
    public static long insert(
            StateStore store, Notification n, String status, int attempts, String lastError, Instant at) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                bind(ps, n, status, attempts, lastError, at);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM outbox WHERE idempotency_key = ?")) {
                ps.setString(1, n.idempotencyKey());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    public static String status(StateStore store, long id) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT status FROM outbox WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    public static long count(StateStore store, String where) {
        return store.read(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM outbox WHERE " + where)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
