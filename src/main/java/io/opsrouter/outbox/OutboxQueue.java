package io.opsrouter.outbox;

import static io.opsrouter.store.Sql.ts;

import io.opsrouter.store.StateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The delivery side of the outbox table. A claim takes due rows of one channel with row locks that
 * other replicas skip ({@code FOR UPDATE SKIP LOCKED} on PostgreSQL) and marks them {@code sending} with
 * {@code next_attempt_at} moved to the end of a lease: a claimer that dies leaves rows that are due again
 * when the lease ends. Rows are taken oldest first (created_at, id), so a retried message keeps its place.
 * Statuses: pending, sending (claimed), sent, dead.
 */
public final class OutboxQueue {
    private final StateStore store;

    public OutboxQueue(StateStore store) {
        this.store = store;
    }

    /**
     * Claims up to {@code limit} due rows for {@code channel}; with {@code others} set, rows addressed to any
     * channel not in {@code others} instead (what the log fallback takes).
     */
    public List<OutboxRow> claim(
            ChannelName channel, Collection<ChannelName> others, int limit, Instant now, Duration lease) {
        OffsetDateTime nowTs = ts(now);
        OffsetDateTime until = ts(now.plus(lease));
        // a claim lost in a crash leaves its rows due again at once instead of after the lease: either way they
        // go out again after the restart, so nothing waits for it to be in the file
        return store.inTransactionUndurable(c -> {
            List<OutboxRow> rows;
            if (others == null) {
                // one ordered index range per status (outbox_claim): the cost stays that of the rows taken, however
                // deep the backlog; 'sending' rows are due again only when a claimer's lease ran out
                rows = new ArrayList<>(select(
                        c,
                        "channel = ? AND status = 'pending' AND next_attempt_at <= ?",
                        "channel, status, created_at, id",
                        limit,
                        channel.id(),
                        nowTs));
                rows.addAll(select(
                        c,
                        "channel = ? AND status = 'sending' AND next_attempt_at <= ?",
                        "channel, status, created_at, id",
                        limit,
                        channel.id(),
                        nowTs));
                rows.sort(java.util.Comparator.comparing(OutboxRow::createdAt).thenComparingLong(OutboxRow::id));
                if (rows.size() > limit) rows = new ArrayList<>(rows.subList(0, limit));
            } else {
                List<Object> args = new ArrayList<>();
                args.add(nowTs);
                if (!others.isEmpty()) {
                    args.add(channel.id());
                    others.forEach(o -> args.add(o.id()));
                }
                rows = select(
                        c,
                        "status IN ('pending', 'sending') AND next_attempt_at <= ? AND "
                                + channelFilter(channel, others),
                        "created_at, id",
                        limit,
                        args.toArray());
            }
            if (rows.isEmpty()) return rows;
            // the WHERE repeats the due test: on H2, FOR UPDATE waits instead of skipping, and a row another
            // claimer took meanwhile must not be taken again
            List<OutboxRow> claimed = new ArrayList<>(rows.size());
            try (PreparedStatement up = c.prepareStatement("UPDATE outbox SET status = 'sending', next_attempt_at = ?"
                    + " WHERE id = ? AND status IN ('pending', 'sending') AND next_attempt_at <= ?")) {
                for (OutboxRow r : rows) {
                    up.setObject(1, until);
                    up.setLong(2, r.id());
                    up.setObject(3, nowTs);
                    up.addBatch();
                }
                int[] counts = up.executeBatch();
                for (int i = 0; i < counts.length; i++)
                    if (counts[i] == 1 || counts[i] == java.sql.Statement.SUCCESS_NO_INFO) claimed.add(rows.get(i));
            }
            return claimed;
        });
    }

    private List<OutboxRow> select(Connection c, String where, String order, int limit, Object... args)
            throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, idempotency_key, channel, payload, attempts, created_at FROM outbox" + " WHERE " + where
                        + " ORDER BY " + order + " LIMIT ?" + store.dialect().skipLocked())) {
            int i = 1;
            for (Object a : args) ps.setObject(i++, a);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new OutboxRow(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getInt(5),
                            rs.getObject(6, OffsetDateTime.class).toInstant()));
                }
            }
        }
        return rows;
    }

    private static String channelFilter(ChannelName channel, Collection<ChannelName> others) {
        if (others == null) return "channel = ?";
        if (others.isEmpty()) return "1 = 1";
        return "(channel = ? OR channel NOT IN ("
                + String.join(", ", others.stream().map(o -> "?").toList()) + "))";
    }

    /** A send that failed: due again at {@code at} with {@code attempts}, or dead since {@code at}. */
    public record Failure(long id, int attempts, boolean dead, Instant at, String error) {}

    /** Marks rows the far side accepted, in one transaction. */
    public void markSent(List<Long> ids, Instant at) {
        if (ids.isEmpty()) return;
        store.inTransaction(c -> {
            markSent(c, ids, at);
            return null;
        });
    }

    public void markRetry(long id, int attempts, Instant next, String error) {
        finish(List.of(), null, List.of(new Failure(id, attempts, false, next, error)), List.of(), null);
    }

    public void markDead(long id, int attempts, Instant at, String error) {
        finish(List.of(), null, List.of(new Failure(id, attempts, true, at, error)), List.of(), null);
    }

    /** Gives claimed rows back unsent, due at {@code next}. */
    public void release(List<OutboxRow> rows, Instant next) {
        finish(List.of(), null, List.of(), rows, next);
    }

    /**
     * Writes what one delivered batch leaves behind, in one transaction: the accepted rows sent, the failed
     * ones due again or dead, the untried ones given back due at {@code releaseAt}.
     */
    public void finish(
            List<Long> sent, Instant sentAt, List<Failure> failures, List<OutboxRow> untried, Instant releaseAt) {
        if (sent.isEmpty() && failures.isEmpty() && untried.isEmpty()) return;
        store.inTransaction(c -> {
            markSent(c, sent, sentAt);
            if (!failures.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?")) {
                    for (Failure f : failures) {
                        ps.setString(1, f.dead() ? "dead" : "pending");
                        ps.setInt(2, f.attempts());
                        ps.setObject(3, ts(f.at()));
                        ps.setString(4, cut(f.error()));
                        ps.setLong(5, f.id());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            if (!untried.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE id = ? AND status = 'sending'")) {
                    for (OutboxRow r : untried) {
                        ps.setObject(1, ts(releaseAt));
                        ps.setLong(2, r.id());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return null;
        });
    }

    private static void markSent(Connection c, List<Long> ids, Instant at) throws SQLException {
        if (ids.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL WHERE id = ?")) {
            for (Long id : ids) {
                ps.setObject(1, ts(at));
                ps.setLong(2, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Rows not yet delivered nor dead. */
    public long depth() {
        return store.read(c -> {
            try (PreparedStatement ps =
                            c.prepareStatement("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** When the oldest undelivered row was written. */
    public Optional<Instant> oldestPending() {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT MIN(created_at) FROM outbox WHERE status IN ('pending', 'sending')");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                OffsetDateTime t = rs.getObject(1, OffsetDateTime.class);
                return Optional.ofNullable(t == null ? null : t.toInstant());
            }
        });
    }

    /** True when the channel's newest finished row is dead (it failed and has not delivered since). */
    public boolean lastFinishedDead(ChannelName channel) {
        return store.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT status FROM outbox WHERE channel = ? AND status IN ('sent', 'dead')"
                            + " ORDER BY COALESCE(sent_at, next_attempt_at) DESC, id DESC LIMIT 1")) {
                ps.setString(1, channel.id());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && "dead".equals(rs.getString(1));
                }
            }
        });
    }

    private static String cut(String s) {
        if (s == null) return null;
        return s.length() > 1000 ? s.substring(0, 997) + "..." : s;
    }
}
