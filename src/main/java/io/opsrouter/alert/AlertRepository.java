package io.opsrouter.alert;

import io.opsrouter.alert.lifecycle.Status;
import io.opsrouter.store.Dialect;
import io.opsrouter.store.LockingReads;
import io.opsrouter.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The named queries of table {@code alerts}. Every method runs on the caller's connection, inside its transaction.
 * The statuses the SQL names are written here only, from {@link Status#column()}.
 */
final class AlertRepository {
    /** Alerts that fire or were acknowledged: what an inhibition's source and a group's announced alerts are. */
    static final String LIVE = "status IN ('" + Status.FIRING.column() + "', '" + Status.ACKNOWLEDGED.column() + "')";

    private static final String FIRING = "status = '" + Status.FIRING.column() + "'";
    private static final String PENDING = "status = '" + Status.PENDING.column() + "'";

    private final Dialect dialect;

    AlertRepository(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * The active alert of each fingerprint, read without locks and only in part: id, fingerprint, status, severity
     * and external id, what a repeated signal needs. To change an alert, {@link #lockByIds lock} it: that reads it whole.
     */
    Map<String, AlertRow> activeByFingerprint(Connection c, Collection<String> fingerprints) throws SQLException {
        Map<String, AlertRow> out = new LinkedHashMap<>();
        Sql.inChunks(new ArrayList<>(new TreeSet<>(fingerprints)), (part, marks) -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, fingerprint, status, severity, external_id FROM alerts WHERE active_fp IN (" + marks
                            + ")")) {
                Sql.bind(ps, 1, part);
                for (AlertRow r : AlertColumns.rows(ps)) out.put(r.fingerprint, r);
            }
        });
        return out;
    }

    /**
     * Locks the alerts with these ids and returns their current rows, in id order. Every transaction that locks
     * more than one alert takes them in id order (this, the fold, acknowledging), so two never wait for each other
     * in a circle. (H2 locks rows in the order its index hands them out, whatever the ORDER BY says; an IN list on
     * the primary key is handed out sorted. PostgreSQL locks after sorting.)
     */
    List<AlertRow> lockByIds(Connection c, Collection<String> ids) throws SQLException {
        List<AlertRow> out = new ArrayList<>();
        Sql.inChunks(new ArrayList<>(new TreeSet<>(ids)), (part, marks) -> {
            String sql =
                    "SELECT " + AlertColumns.ALL + " FROM alerts WHERE id IN (" + marks + ") ORDER BY id FOR UPDATE";
            try (PreparedStatement ps = LockingReads.prepare(c, dialect, sql)) {
                Sql.bind(ps, 1, part);
                out.addAll(AlertColumns.rows(ps));
            }
        });
        return out;
    }

    /** Pending alerts whose rule's {@code for} has passed by {@code now}, locked. */
    List<AlertRow> lockPendingDue(Connection c, Instant now, int limit) throws SQLException {
        return lockWhere(c, PENDING + " AND fires_at <= ?", List.of(now), limit);
    }

    /** Announced, unacknowledged alerts whose next step or reminder is due by {@code now}, locked. */
    List<AlertRow> lockEscalationDue(Connection c, Instant now, int limit) throws SQLException {
        return lockWhere(c, FIRING + " AND next_escalation_at <= ?", List.of(now), limit);
    }

    /** The firing alerts of these groups not announced yet, locked. */
    List<AlertRow> lockUnannounced(Connection c, List<String> groupIds, int perGroup) throws SQLException {
        List<String> inList = Sql.padded(groupIds);
        return lockWhere(
                c,
                "group_id IN (" + Sql.marks(inList.size()) + ") AND " + FIRING + " AND notified_at IS NULL",
                new ArrayList<>(inList),
                perGroup * inList.size());
    }

    /**
     * For fingerprints closed by a RESOLVED signal at or after {@code since} (router time), that signal's own time:
     * a FIRING observed no later than it is a late copy (a sender's retry), not a new problem.
     */
    Map<String, Instant> recentlyResolved(Connection c, Collection<String> fingerprints, Instant since)
            throws SQLException {
        Map<String, Instant> out = new HashMap<>();
        Sql.inChunks(fingerprints, (part, marks) -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT fingerprint, resolved_signal_at FROM alerts WHERE fingerprint IN ("
                            + marks + ") AND resolved_at >= ? AND resolved_signal_at IS NOT NULL")) {
                ps.setObject(Sql.bind(ps, 1, part), Sql.ts(since));
                try (ResultSet rs = ps.executeQuery()) {
                    int fingerprint = rs.findColumn("fingerprint");
                    int signalAt = rs.findColumn("resolved_signal_at");
                    while (rs.next())
                        out.merge(rs.getString(fingerprint), Sql.instant(rs, signalAt), (a, b) -> a.isAfter(b) ? a : b);
                }
            }
        });
        return out;
    }

    AlertRow byId(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + AlertColumns.ALL + " FROM alerts WHERE id = ?")) {
            ps.setString(1, id);
            List<AlertRow> r = AlertColumns.rows(ps);
            return r.isEmpty() ? null : r.get(0);
        }
    }

    /** Up to {@code limit} alerts, newest first, of this status and severity when given. */
    List<AlertRow> list(Connection c, Status status, Severity severity, int limit) throws SQLException {
        List<String> cond = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (status != null) {
            cond.add("status = ?");
            params.add(status.column());
        }
        if (severity != null) {
            cond.add("severity = ?");
            params.add(severity.name());
        }
        return newestFirst(c, cond.isEmpty() ? "1 = 1" : String.join(" AND ", cond), params, limit);
    }

    /** The firing or acknowledged alerts of a group that were announced by {@code by}: what its acknowledgement link means. */
    List<AlertRow> announcedInGroup(Connection c, String groupId, Instant by, int limit) throws SQLException {
        return newestFirst(
                c,
                "group_id = ? AND " + LIVE + " AND notified_at IS NOT NULL AND notified_at <= ?",
                List.of(groupId, by),
                limit);
    }

    /** Whether the group has an announced alert still firing or acknowledged (otherwise it starts over with group_wait). */
    boolean hasAnnouncedLive(Connection c, String groupId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM alerts WHERE group_id = ? AND " + LIVE + " AND notified_at IS NOT NULL LIMIT 1")) {
            ps.setString(1, groupId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** How many alerts fire unacknowledged, by severity. */
    Map<Severity, Long> firingBySeverity(Connection c) throws SQLException {
        Map<Severity, Long> m = new EnumMap<>(Severity.class);
        try (PreparedStatement ps = c.prepareStatement(
                        "SELECT severity, COUNT(*) AS n FROM alerts WHERE " + FIRING + " GROUP BY severity");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) m.put(Severity.parse(rs.getString("severity")), rs.getLong("n"));
        }
        return m;
    }

    void insert(Connection c, List<AlertRow> rows) throws SQLException {
        if (rows.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(AlertColumns.INSERT)) {
            for (AlertRow r : rows) {
                AlertColumns.bindInsert(ps, r);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    void update(Connection c, Collection<AlertRow> rows) throws SQLException {
        if (rows.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(AlertColumns.UPDATE)) {
            for (AlertRow r : rows) {
                AlertColumns.bindUpdate(ps, r);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private List<AlertRow> newestFirst(Connection c, String condition, List<Object> params, int limit)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + AlertColumns.ALL + " FROM alerts WHERE " + condition
                + " ORDER BY first_seen DESC, id LIMIT " + limit)) {
            bindAll(ps, params);
            return AlertColumns.rows(ps);
        }
    }

    /**
     * Up to {@code limit} alerts meeting {@code condition}, locked in id order (see {@link #lockByIds}). On H2 they are
     * found without locks, locked by id, then the condition is checked again on the locked rows (another transaction
     * may have changed them meanwhile).
     */
    private List<AlertRow> lockWhere(Connection c, String condition, List<Object> params, int limit)
            throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            // one statement: PostgreSQL locks rows in the order the sort hands them out and checks the condition
            // again on each row it had to wait for
            try (PreparedStatement ps = c.prepareStatement("SELECT " + AlertColumns.ALL + " FROM alerts WHERE "
                    + condition + " ORDER BY id LIMIT " + limit + " FOR UPDATE")) {
                bindAll(ps, params);
                return AlertColumns.rows(ps);
            }
        }
        List<String> ids = new ArrayList<>();
        // no ORDER BY: they are locked in id order next, and without it H2 stops reading at the limit
        try (PreparedStatement ps =
                c.prepareStatement("SELECT id FROM alerts WHERE " + condition + " LIMIT " + limit)) {
            bindAll(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getString("id"));
            }
        }
        if (ids.isEmpty()) return List.of();
        List<AlertRow> locked = lockByIds(c, ids);
        Set<String> still = new HashSet<>();
        Sql.inChunks(ids, (part, marks) -> {
            List<Object> all = new ArrayList<>(part);
            all.addAll(params);
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT id FROM alerts WHERE id IN (" + marks + ") AND (" + condition + ")")) {
                bindAll(ps, all);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) still.add(rs.getString("id"));
                }
            }
        });
        locked.removeIf(r -> !still.contains(r.id));
        return locked;
    }

    private static void bindAll(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++)
            ps.setObject(i + 1, params.get(i) instanceof Instant t ? Sql.ts(t) : params.get(i));
    }
}
