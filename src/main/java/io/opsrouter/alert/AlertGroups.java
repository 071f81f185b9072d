package io.opsrouter.alert;

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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The named queries of table {@code alert_groups}: when each group's next message is due. */
final class AlertGroups {
    /** A group of alerts announced together, and its message clock. */
    record Group(String id, String key, Severity severity, Instant nextFlushAt, Instant lastFlushAt, int seq) {}

    private final Dialect dialect;

    AlertGroups(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Locks the groups, in group id order. */
    Map<String, Group> lock(Connection c, Collection<String> ids) throws SQLException {
        Map<String, Group> out = new LinkedHashMap<>();
        Sql.inChunks(new ArrayList<>(new TreeSet<>(ids)), (part, marks) -> {
            try (PreparedStatement ps = LockingReads.prepare(
                    c,
                    dialect,
                    "SELECT group_id, group_key, severity, next_flush_at, last_flush_at, seq"
                            + " FROM alert_groups WHERE group_id IN (" + marks + ") ORDER BY group_id FOR UPDATE")) {
                Sql.bind(ps, 1, part);
                try (ResultSet rs = ps.executeQuery()) {
                    int id = rs.findColumn("group_id");
                    int key = rs.findColumn("group_key");
                    int severity = rs.findColumn("severity");
                    int next = rs.findColumn("next_flush_at");
                    int last = rs.findColumn("last_flush_at");
                    int seq = rs.findColumn("seq");
                    while (rs.next()) {
                        out.put(
                                rs.getString(id),
                                new Group(
                                        rs.getString(id),
                                        rs.getString(key),
                                        Severity.parse(rs.getString(severity)),
                                        Sql.instant(rs, next),
                                        Sql.instant(rs, last),
                                        rs.getInt(seq)));
                    }
                }
            }
        });
        return out;
    }

    /** Adds the groups not there yet (group id to its key and severity), in group id order. */
    void insert(Connection c, Map<String, String[]> idToKeyAndSeverity) throws SQLException {
        if (idToKeyAndSeverity.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO alert_groups (group_id, group_key, severity, seq) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING")) {
            for (var e : new TreeMap<>(idToKeyAndSeverity).entrySet()) {
                ps.setString(1, e.getKey());
                ps.setString(2, Sql.cut(e.getValue()[0], 1000));
                ps.setString(3, e.getValue()[1]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Which of these groups have a row (read without locks). */
    Set<String> existing(Connection c, Collection<String> ids) throws SQLException {
        Set<String> out = new HashSet<>();
        Sql.inChunks(new ArrayList<>(ids), (part, marks) -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT group_id FROM alert_groups WHERE group_id IN (" + marks + ")")) {
                Sql.bind(ps, 1, part);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1));
                }
            }
        });
        return out;
    }

    /**
     * Adds new groups with their message clock already set, in group id order. A group another transaction added
     * meanwhile fails the insert (a duplicate key), and the caller's transaction runs again.
     */
    void insertNew(Connection c, Collection<Group> groups) throws SQLException {
        if (groups.isEmpty()) return;
        List<Group> sorted = new ArrayList<>(groups);
        sorted.sort(java.util.Comparator.comparing(Group::id));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_groups"
                + " (group_id, group_key, severity, next_flush_at, last_flush_at, seq) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Group g : sorted) {
                ps.setString(1, g.id());
                ps.setString(2, Sql.cut(g.key(), 1000));
                ps.setString(3, g.severity().name());
                Sql.setTs(ps, 4, g.nextFlushAt());
                Sql.setTs(ps, 5, g.lastFlushAt());
                ps.setInt(6, g.seq());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    void update(Connection c, Collection<Group> groups) throws SQLException {
        if (groups.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE alert_groups SET next_flush_at = ?, last_flush_at = ?, seq = ? WHERE group_id = ?")) {
            for (Group g : groups) {
                Sql.setTs(ps, 1, g.nextFlushAt());
                Sql.setTs(ps, 2, g.lastFlushAt());
                ps.setInt(3, g.seq());
                ps.setString(4, g.id());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Groups whose next message is due by {@code now}: the most severe first (P1 before P2 before P3, as the
     * severity names sort), the longest waiting first within one severity, so a P1 is never behind P3 groups.
     */
    List<String> due(Connection c, Instant now, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT group_id FROM alert_groups WHERE next_flush_at <= ? ORDER BY severity, next_flush_at LIMIT "
                        + limit)) {
            ps.setObject(1, Sql.ts(now));
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString("group_id"));
            }
            return out;
        }
    }
}
