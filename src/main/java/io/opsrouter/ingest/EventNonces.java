package io.opsrouter.ingest;

import io.opsrouter.store.StateStore;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The signed events already taken, in the store so that every replica sees them: a nonce is claimed once (the
 * primary key decides between replicas) and kept until it expires; expired rows are deleted at most once a minute
 * as new events arrive.
 */
public final class EventNonces {
    private static final Duration CLEANUP_EVERY = Duration.ofMinutes(1);

    private final StateStore store;
    private final Clock clock;
    private final AtomicLong nextCleanup = new AtomicLong();

    public EventNonces(StateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** True when this nonce is new (and is now kept until {@code expiresAt}); false when it was taken before. */
    public boolean claim(String nonce, Instant expiresAt) {
        Instant now = clock.instant();
        boolean cleanup = nextCleanup.getAndUpdate(
                        t -> now.toEpochMilli() >= t ? now.plus(CLEANUP_EVERY).toEpochMilli() : t)
                <= now.toEpochMilli();
        return store.inTransaction(c -> {
            if (cleanup) {
                try (PreparedStatement del = c.prepareStatement("DELETE FROM event_nonces WHERE expires_at < ?")) {
                    del.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                    del.executeUpdate();
                }
            }
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO event_nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                ins.setString(1, nonce);
                ins.setObject(2, OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC));
                if (ins.executeUpdate() == 1) return true;
            }
            // taken before: still a duplicate unless it has expired (then it is taken anew)
            try (PreparedStatement upd =
                    c.prepareStatement("UPDATE event_nonces SET expires_at = ? WHERE nonce = ? AND expires_at < ?")) {
                upd.setObject(1, OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC));
                upd.setString(2, nonce);
                upd.setObject(3, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                return upd.executeUpdate() == 1;
            }
        });
    }

    /** Gives a nonce back when the event it came with could not be stored, so that the sender's retry is taken. */
    public void release(String nonce) {
        store.inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM event_nonces WHERE nonce = ?")) {
                del.setString(1, nonce);
                return del.executeUpdate();
            }
        });
    }

    /** How many nonces are kept (for tests and the docs' sizing note). */
    public int size() {
        return store.read(c -> {
            try (var ps = c.prepareStatement("SELECT count(*) FROM event_nonces");
                    var rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
