package io.opsrouter.notify;

import io.opsrouter.outbox.AlertView;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Outbox;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.store.StateStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builds notifications as the alert pipeline would, and writes them to the outbox. */
final class Notifications {
    private Notifications() {}

    static Notification of(String key, String channel, Recipient recipient, String severity, String summary) {
        AlertView alert = new AlertView(
                "a-" + key,
                "fp" + key,
                "firing",
                severity,
                "SiteDown",
                summary,
                "https://runbooks.example.com/site-down",
                Map.of("alertname", "SiteDown", "service", "web"),
                Map.of("description", "front end unreachable"),
                Map.of("latency_seconds", 2.5, "status", 503.0),
                Instant.parse("2026-11-24T10:00:00Z"),
                Instant.now());
        return new Notification(
                key,
                ChannelName.of(channel),
                recipient,
                Notification.Kind.FIRING,
                severity,
                "service=web",
                List.of(alert),
                "https://ops.example.com/ack/tok-" + key);
    }

    /** A notification of group {@code group} (its alert's summary is the key). */
    static Notification inGroup(String key, String channel, String group) {
        Notification n = of(key, channel, null, "P2", key);
        return new Notification(
                n.idempotencyKey(), n.channel(), n.recipient(), n.kind(), n.severity(), group, n.alerts(), n.ackUrl());
    }

    static Notification of(String key, String channel) {
        return of(key, channel, null, "P2", "Site down: " + key);
    }

    static void enqueue(StateStore store, Notification... ns) {
        enqueueAt(store, Instant.now(), ns);
    }

    static void enqueueAt(StateStore store, Instant at, Notification... ns) {
        store.inTransaction(c -> {
            for (Notification n : ns) Outbox.enqueue(c, n, at);
            return null;
        });
    }

    static String status(StateStore store, String key) {
        return store.read(c -> {
            try (var ps = c.prepareStatement("SELECT status FROM outbox WHERE idempotency_key = ?")) {
                ps.setString(1, key);
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }
}
