package io.opsrouter.store;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Time-limited leases in the store, so that when several replicas share one PostgreSQL only one
 * of them runs a singleton job. Acquiring renews a lease the holder already has.
 */
public final class Leases {
    private final StateStore store;
    private final String holder;

    public Leases(StateStore store, String holder) {
        this.store = store;
        this.holder = holder;
    }

    public boolean tryAcquire(String name, Duration ttl) {
        return tryAcquire(name, ttl, Instant.now());
    }

    boolean tryAcquire(String name, Duration ttl, Instant now) {
        OffsetDateTime nowTs = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        OffsetDateTime until = nowTs.plus(ttl);
        return store.inTransaction(c -> {
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO leases (lease_name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                ins.setString(1, name);
                ins.setString(2, holder);
                ins.setObject(3, until);
                if (ins.executeUpdate() == 1) return true;
            }
            try (PreparedStatement upd = c.prepareStatement(
                    "UPDATE leases SET holder = ?, expires_at = ? WHERE lease_name = ? AND (holder = ? OR expires_at < ?)")) {
                upd.setString(1, holder);
                upd.setObject(2, until);
                upd.setString(3, name);
                upd.setString(4, holder);
                upd.setObject(5, nowTs);
                return upd.executeUpdate() == 1;
            }
        });
    }

    public void release(String name) {
        store.inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM leases WHERE lease_name = ? AND holder = ?")) {
                del.setString(1, name);
                del.setString(2, holder);
                return del.executeUpdate();
            }
        });
    }

    StateStore store() {
        return store;
    }

    public String holder() {
        return holder;
    }
}
