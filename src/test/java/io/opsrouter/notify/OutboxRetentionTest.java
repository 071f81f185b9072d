package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.OutboxQueue;
import io.opsrouter.store.StateStore;
import io.opsrouter.testing.RouterHarness;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivered and dead notifications leave the outbox after the retention; nothing undelivered ever does. */
class OutboxRetentionTest {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void onlyDeliveredAndDeadRowsOlderThanTheRetentionAreDeleted() {
        try (StateStore store = StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, 4, dir)) {
            Instant old = NOW.minus(Duration.ofDays(31));
            Instant recent = NOW.minus(Duration.ofDays(29));
            enqueueAt(store, old, "old-sent", "old-dead", "old-pending");
            enqueueAt(store, recent, "recent-sent");
            OutboxQueue queue = new OutboxQueue(store);
            java.util.Map<String, io.opsrouter.outbox.OutboxRow> claimed = new java.util.HashMap<>();
            for (var r : queue.claim(io.opsrouter.outbox.ChannelName.SLACK, null, 10, NOW, Duration.ofMinutes(1)))
                claimed.put(r.idempotencyKey(), r);
            queue.write(List.of(
                            mark(claimed.get("old-sent"), OutboxQueue.Outcome.SENT, recent),
                            mark(claimed.get("recent-sent"), OutboxQueue.Outcome.SENT, recent),
                            mark(claimed.get("old-dead"), OutboxQueue.Outcome.DEAD, old),
                            mark(claimed.get("old-pending"), OutboxQueue.Outcome.RELEASE, old)))
                    .settle();

            OutboxRetention retention = new OutboxRetention(
                    store, Duration.ofDays(30), Clock.fixed(NOW, ZoneOffset.UTC), new SimpleMeterRegistry());
            assertThat(retention.purge()).isEqualTo(2);
            assertThat(keys(store)).containsExactly("old-pending", "recent-sent");
            assertThat(retention.purge()).isZero();

            OutboxRetention forever = new OutboxRetention(
                    store,
                    Duration.ZERO,
                    Clock.fixed(NOW.plus(Duration.ofDays(400)), ZoneOffset.UTC),
                    new SimpleMeterRegistry());
            assertThat(forever.purge()).isZero();
            assertThat(keys(store)).hasSize(2);
        }
    }

    @Test
    void aRetentionShorterThanAnHourStopsStartUp(@TempDir Path home) {
        RouterHarness r = RouterHarness.shipped(home).env("NOTIFY_RETENTION", "10m");
        assertThatThrownBy(r::start)
                .hasMessageContaining("NOTIFY_RETENTION")
                .hasMessageContaining("0s to keep them forever");
    }

    static void enqueueAt(StateStore store, Instant at, String... keys) {
        Notifications.enqueueAt(
                store,
                at,
                java.util.Arrays.stream(keys)
                        .map(k -> Notifications.of(k, "slack"))
                        .toArray(Notification[]::new));
    }

    static long id(StateStore store, String key) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM outbox WHERE idempotency_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    static List<String> keys(StateStore store) {
        return store.read(c -> {
            try (PreparedStatement ps =
                            c.prepareStatement("SELECT idempotency_key FROM outbox ORDER BY idempotency_key");
                    ResultSet rs = ps.executeQuery()) {
                List<String> out = new java.util.ArrayList<>();
                while (rs.next()) out.add(rs.getString(1));
                return out;
            }
        });
    }

    static OutboxQueue.Mark mark(io.opsrouter.outbox.OutboxRow r, OutboxQueue.Outcome outcome, Instant at) {
        return new OutboxQueue.Mark(r.id(), r.claimToken(), outcome, 1, at, null);
    }
}
