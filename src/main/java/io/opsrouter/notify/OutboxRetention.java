package io.opsrouter.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.metrics.MeterNames;
import io.opsrouter.store.StateStore;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes notifications delivered, dead or folded into a digest longer ago than {@code notify.retention}, a chunk per transaction, so
 * the outbox does not grow without end. Pending and claimed rows are never touched. Bound as
 * {@code outboxRetention}; {@code routes/notify.yaml} runs it hourly. Replicas may run it at once: the chunks are
 * taken in id order and a deleted row is simply gone for the other.
 */
public final class OutboxRetention {
    public static final String BEAN = "outboxRetention";
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRetention.class);
    private static final int CHUNK = 1000;

    private final StateStore store;
    private final Duration retention;
    private final Clock clock;
    private final Counter purged;

    public OutboxRetention(StateStore store, Duration retention, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.retention = retention;
        this.clock = clock;
        this.purged = Counter.builder(MeterNames.OUTBOX_PURGED)
                .description("Delivered or dead notifications deleted after the retention")
                .register(meters);
    }

    /** Deletes what is past the retention; how many rows. */
    public int purge() {
        if (retention.isZero()) return 0;
        OffsetDateTime before = OffsetDateTime.ofInstant(clock.instant().minus(retention), ZoneOffset.UTC);
        int total = 0;
        while (true) {
            int n = store.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
                        + " WHERE status IN ('sent', 'dead', 'folded') AND created_at < ? ORDER BY id LIMIT " + CHUNK
                        + ")")) {
                    ps.setObject(1, before);
                    return ps.executeUpdate();
                }
            });
            total += n;
            if (n < CHUNK) break;
        }
        if (total > 0) {
            purged.increment(total);
            LOG.info("outbox: deleted {} notifications delivered or dead before {}", total, before);
        }
        return total;
    }
}
