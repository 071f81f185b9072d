package io.opsrouter.outbox;

import static io.opsrouter.store.Sql.ts;

import io.opsrouter.store.Dialect;
import io.opsrouter.store.SqlWork;
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
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The delivery side of the outbox table. A claim takes due rows of one channel, most severe first (P1, P2, P3, then
 * any other severity) and oldest first within one severity, with row locks that other replicas skip
 * ({@code FOR UPDATE SKIP LOCKED} on PostgreSQL), and marks them {@code sending} with {@code next_attempt_at} moved
 * to the end of a lease and a fresh claim token. Every later write ({@link #write marks}, {@link #renew renewals})
 * names that token and changes only rows that still hold it, so a claimer whose lease ran out, and whose rows
 * another claimer took, can no longer mark them. A claimer that dies leaves rows that are due again when the lease
 * ends. Statuses: pending, sending (claimed), sent, dead.
 */
public final class OutboxQueue {
    /** The claim order: one index range per severity (outbox_claim_severity), then whatever else was written. */
    static final List<String> SEVERITIES = List.of("P1", "P2", "P3");

    private static final List<String> PENDING = List.of("pending");
    private static final List<String> PENDING_AND_EXPIRED = List.of("pending", "sending");
    private static final String COLUMNS =
            "SELECT id, idempotency_key, channel, severity, payload, attempts, created_at, status FROM outbox";
    private static final Comparator<OutboxRow> OLDEST_FIRST =
            Comparator.comparing(OutboxRow::createdAt).thenComparingLong(OutboxRow::id);
    private static final Comparator<OutboxRow> MOST_SEVERE_FIRST = Comparator.comparingInt(
                    (OutboxRow r) -> SEVERITIES.contains(r.severity()) ? SEVERITIES.indexOf(r.severity()) : 3)
            .thenComparing(OLDEST_FIRST);
    static final String NEXT_CHANNEL = "SELECT channel FROM outbox WHERE channel > ? ORDER BY channel LIMIT 1";

    /**
     * The status as the statements that change one row by id test it. H2 plans a statement when a connection first
     * prepares it and keeps that plan: prepared while the outbox is nearly empty (a new store), a plain {@code status}
     * test made it choose outbox_due over the primary key, and then each row changed read every due row, the whole
     * backlog per claimed row in a storm (bench/delivery at 40 ms: 900 instead of 1,500 alerts/s in one run of three,
     * the claim 41% of the CPU). H2 looks up no index for an expression, so the primary key is the only plan left
     * ({@code OutboxPlansTest}); PostgreSQL plans each execution and takes the primary key either way.
     */
    static final String STATUS = "COALESCE(status, '')";

    static final String CLAIM = "UPDATE outbox SET status = 'sending', next_attempt_at = ?, claim_token = ?,"
            + " claimed_by = ? WHERE id = ? AND " + STATUS + " IN ('pending', 'sending') AND next_attempt_at <= ?";
    static final String MARK_SENT = "UPDATE outbox SET status = 'sent', attempts = ?, sent_at = ?, last_error = NULL,"
            + " claim_token = NULL WHERE id = ? AND claim_token = ? AND " + STATUS + " = 'sending'";
    static final String MARK_OTHER = "UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?,"
            + " last_error = COALESCE(?, last_error), claim_token = NULL"
            + " WHERE id = ? AND claim_token = ? AND " + STATUS + " = 'sending'";
    static final String RENEW = "UPDATE outbox SET next_attempt_at = ?" + " WHERE id = ? AND claim_token = ? AND "
            + STATUS + " = 'sending'";

    /** Who claims when no replica is named: the embedded store's one process, tests and tools. */
    static final String LOCAL = "local";

    private final StateStore store;
    private final String claimer;

    public OutboxQueue(StateStore store) {
        this(store, LOCAL);
    }

    /** {@code claimer}: this replica's id, written with every claim ({@code claimed_by}). */
    public OutboxQueue(StateStore store, String claimer) {
        this.store = store;
        this.claimer = claimer;
    }

    public String claimer() {
        return claimer;
    }

    /**
     * Claims up to {@code limit} due rows for {@code channel}, most severe first; with {@code others} set, rows
     * addressed to any channel not in {@code others} instead (what the log fallback takes). The rows carry the
     * claim's fresh token.
     */
    public List<OutboxRow> claim(
            ChannelName channel, Collection<ChannelName> others, int limit, Instant now, Duration lease) {
        return claim(channel, others, limit, now, lease, true);
    }

    /**
     * The same; with {@code expired} false, a channel's own claim looks only at pending rows, not for claimed rows
     * whose lease ran out (a crashed claimer's): that search reads every row the channel has in flight to find
     * none, so the delivery loop runs it once a second rather than with every claim.
     */
    public List<OutboxRow> claim(
            ChannelName channel,
            Collection<ChannelName> others,
            int limit,
            Instant now,
            Duration lease,
            boolean expired) {
        return claim(channel, others, limit, now, lease, expired, false);
    }

    /**
     * The same; with {@code durable}, the claim is in the store before its rows are sent, so after a crash they are
     * claimed again as {@link OutboxRow#reclaimed()}: for a channel that can ask its provider whether it took them.
     */
    public List<OutboxRow> claim(
            ChannelName channel,
            Collection<ChannelName> others,
            int limit,
            Instant now,
            Duration lease,
            boolean expired,
            boolean durable) {
        if (limit <= 0) return List.of();
        OffsetDateTime nowTs = ts(now);
        OffsetDateTime until = ts(now.plus(lease));
        String token = UUID.randomUUID().toString();
        // a claim lost in a crash leaves its rows due again at once instead of after the lease: either way they
        // go out again after the restart, so nothing waits for it to be in the file
        SqlWork<List<OutboxRow>> work = c -> {
            List<OutboxRow> rows = others == null
                    ? own(c, channel.id(), limit, nowTs, expired)
                    : fallback(c, channel, others, limit, nowTs);
            if (rows.isEmpty()) return rows;
            // the WHERE repeats the due test: on H2, FOR UPDATE waits instead of skipping, and a row another
            // claimer took meanwhile must not be taken again
            List<OutboxRow> claimed = new ArrayList<>(rows.size());
            try (PreparedStatement up = c.prepareStatement(CLAIM)) {
                for (OutboxRow r : rows) {
                    up.setObject(1, until);
                    up.setString(2, token);
                    up.setString(3, claimer);
                    up.setLong(4, r.id());
                    up.setObject(5, nowTs);
                    up.addBatch();
                }
                int[] counts = up.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] == 1 || counts[i] == java.sql.Statement.SUCCESS_NO_INFO) {
                        OutboxRow r = rows.get(i);
                        claimed.add(new OutboxRow(
                                r.id(),
                                r.idempotencyKey(),
                                r.channel(),
                                r.severity(),
                                r.payload(),
                                r.attempts(),
                                r.createdAt(),
                                token,
                                r.reclaimed()));
                    }
                }
            }
            return claimed;
        };
        if (!durable) return store.inTransactionUndurable(work);
        StateStore.Commit<List<OutboxRow>> commit = store.inTransactionUnsettled(work);
        List<OutboxRow> claimed = commit.settleUndurably();
        // a claim that found nothing changed nothing: it need not wait for the file (a checkpoint on H2)
        if (!claimed.isEmpty()) commit.awaitDurable();
        return claimed;
    }

    /**
     * On the embedded store, which only this process opens, the claims still held when it starts are a killed
     * process's: they are due at once instead of when their lease ends, and claimed again as reclaimed.
     */
    public int claimsOfAKilledProcessDueNow(Instant now) {
        if (store.dialect() != Dialect.H2) return 0;
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE outbox SET next_attempt_at = ? WHERE status = 'sending' AND next_attempt_at > ?")) {
                ps.setObject(1, ts(now));
                ps.setObject(2, ts(now));
                return ps.executeUpdate();
            }
        });
    }

    /**
     * On PostgreSQL, the claims held by replicas not in {@code live} (their membership lapsed: killed, or stopped
     * without giving their rows back) are due at once instead of when their lease ends, and claimed again as
     * reclaimed. A claim made less than {@code membership} ago is left alone whoever made it: a replica that has just
     * started may claim before its membership is read by others. Rows without a claimer (claimed before V20) wait for
     * their lease. Returns how many were made due.
     */
    public int claimsOfGoneReplicasDueNow(Collection<String> live, Instant now, Duration lease, Duration membership) {
        if (store.dialect() == Dialect.H2 || live.isEmpty()) return 0;
        String marks = String.join(", ", java.util.Collections.nCopies(live.size(), "?"));
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET next_attempt_at = ?"
                    + " WHERE status = 'sending' AND next_attempt_at > ? AND next_attempt_at <= ?"
                    + " AND claimed_by IS NOT NULL AND claimed_by NOT IN (" + marks + ")")) {
                ps.setObject(1, ts(now));
                ps.setObject(2, ts(now));
                ps.setObject(3, ts(now.plus(lease).minus(membership)));
                int i = 4;
                for (String id : live) ps.setString(i++, id);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * The channel's own due rows: per severity, the pending rows and the claimed ones whose lease ran out, each one
     * ordered index range, merged oldest first. The cost stays that of the rows taken, however deep the backlog.
     */
    private List<OutboxRow> own(Connection c, String channel, int limit, OffsetDateTime now, boolean expired)
            throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        for (int rank = 0; rank <= SEVERITIES.size() && rows.size() < limit; rank++) {
            String sev = rank < SEVERITIES.size() ? "severity = ?" : "severity NOT IN ('P1', 'P2', 'P3')";
            Object[] args = rank < SEVERITIES.size()
                    ? new Object[] {channel, SEVERITIES.get(rank), now}
                    : new Object[] {channel, now};
            int want = limit - rows.size();
            List<OutboxRow> one = new ArrayList<>();
            for (String status : expired ? PENDING_AND_EXPIRED : PENDING) {
                one.addAll(select(
                        c,
                        "channel = ? AND status = '" + status + "' AND " + sev + " AND next_attempt_at <= ?",
                        "channel, status, severity, created_at, id",
                        want,
                        args));
            }
            one.sort(OLDEST_FIRST);
            rows.addAll(one.size() > want ? one.subList(0, want) : one);
        }
        return rows;
    }

    /**
     * The fallback's due rows: its own and those of every channel not in {@code others} (turned off since they were
     * written), each channel's found as its own claim finds them, then most severe first across them. The channels
     * are found by stepping through outbox_claim_severity, one lookup per channel name: a search by "any channel
     * but these" read every due row of the backlog on each poll (2.6% of the router's CPU in a 20,000-alert run).
     */
    private List<OutboxRow> fallback(
            Connection c, ChannelName channel, Collection<ChannelName> others, int limit, OffsetDateTime now)
            throws SQLException {
        Set<String> configured = new HashSet<>();
        others.forEach(o -> configured.add(o.id()));
        List<OutboxRow> rows = new ArrayList<>();
        for (String name : channelNames(c)) {
            if (name.equals(channel.id()) || !configured.contains(name)) rows.addAll(own(c, name, limit, now, true));
        }
        rows.sort(MOST_SEVERE_FIRST);
        return rows.size() > limit ? new ArrayList<>(rows.subList(0, limit)) : rows;
    }

    /** The channel names the outbox holds rows for, each found by one step through outbox_claim_severity. */
    static List<String> channelNames(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(NEXT_CHANNEL)) {
            String after = "";
            while (true) {
                ps.setString(1, after);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return names;
                    after = rs.getString(1);
                    names.add(after);
                }
            }
        }
    }

    private List<OutboxRow> select(Connection c, String where, String order, int limit, Object... args)
            throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS + " WHERE " + where + " ORDER BY " + order + " LIMIT ?"
                + store.dialect().skipLocked())) {
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
                            rs.getString(5),
                            rs.getInt(6),
                            rs.getObject(7, OffsetDateTime.class).toInstant(),
                            null,
                            "sending".equals(rs.getString(8))));
                }
            }
        }
        return rows;
    }

    /** What became of a claimed row. */
    public enum Outcome {
        /** The receiver accepted it. */
        SENT,
        /** It failed and is due again at {@code at}. */
        RETRY,
        /** It is given up, since {@code at}. */
        DEAD,
        /** Given back unsent (or failed for the channel's sake), due at {@code at}. */
        RELEASE
    }

    /**
     * One write about one claimed row, applied only while the row still holds {@code token}.
     *
     * @param attempts the row's attempts after this write
     * @param error    the failure to keep on the row; null keeps the one there
     */
    public record Mark(long id, String token, Outcome outcome, int attempts, Instant at, String error) {}

    /**
     * Writes the marks in one transaction and returns once it is committed, with which of them applied (false: the
     * row no longer holds the mark's token, because its lease ran out and another claimer took it); the caller
     * decides when to wait for it to be durable ({@link StateStore.Commit#settle}).
     */
    public StateStore.Commit<boolean[]> write(List<Mark> marks) {
        boolean[] applied = new boolean[marks.size()];
        return store.inTransactionUnsettled(c -> {
            List<Integer> sent = new ArrayList<>();
            List<Integer> other = new ArrayList<>();
            for (int i = 0; i < marks.size(); i++) (marks.get(i).outcome() == Outcome.SENT ? sent : other).add(i);
            if (!sent.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(MARK_SENT)) {
                    for (int i : sent) {
                        Mark m = marks.get(i);
                        ps.setInt(1, m.attempts());
                        ps.setObject(2, ts(m.at()));
                        ps.setLong(3, m.id());
                        ps.setString(4, m.token());
                        ps.addBatch();
                    }
                    applied(ps.executeBatch(), sent, applied);
                }
            }
            if (!other.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(MARK_OTHER)) {
                    for (int i : other) {
                        Mark m = marks.get(i);
                        ps.setString(1, m.outcome() == Outcome.DEAD ? "dead" : "pending");
                        ps.setInt(2, m.attempts());
                        ps.setObject(3, ts(m.at()));
                        ps.setString(4, cut(m.error()));
                        ps.setLong(5, m.id());
                        ps.setString(6, m.token());
                        ps.addBatch();
                    }
                    applied(ps.executeBatch(), other, applied);
                }
            }
            return applied;
        });
    }

    /**
     * Moves the lease of rows still being sent to {@code until}, in one transaction; which rows are still held (false:
     * the row lost its claim and must not be marked by this claimer).
     */
    public boolean[] renew(List<OutboxRow> rows, Instant until) {
        boolean[] held = new boolean[rows.size()];
        if (rows.isEmpty()) return held;
        store.inTransactionUndurable(c -> {
            try (PreparedStatement ps = c.prepareStatement(RENEW)) {
                for (OutboxRow r : rows) {
                    ps.setObject(1, ts(until));
                    ps.setLong(2, r.id());
                    ps.setString(3, r.claimToken());
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int i = 0; i < counts.length; i++) held[i] = done(counts[i]);
            }
            return null;
        });
        return held;
    }

    private static void applied(int[] counts, List<Integer> which, boolean[] applied) {
        for (int k = 0; k < counts.length; k++) applied[which.get(k)] = done(counts[k]);
    }

    private static boolean done(int count) {
        return count == 1 || count == java.sql.Statement.SUCCESS_NO_INFO;
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
