package io.opsrouter.alert;

import com.fasterxml.jackson.core.type.TypeReference;
import io.opsrouter.app.Json;
import io.opsrouter.store.Dialect;
import io.opsrouter.store.LockingReads;
import java.sql.Connection;
import org.slf4j.MDC;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The SQL of the alert pipeline. Every method runs on the caller's connection, inside its transaction. */
final class AlertRepository {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AlertRepository.class);

    private static final int CHUNK = 500;
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};
    private static final TypeReference<Map<String, Double>> NUMBERS = new TypeReference<>() {};
    private static final String COLUMNS = "id, fingerprint, status, severity, name, source, rule_name, summary, runbook, labels,"
            + " annotations, vals, external_id, group_id, first_seen, last_seen, fires_at, notified_at, escalation_step, reminders,"
            + " next_escalation_at, acked_at, acked_by, resolved_at, resolved_by, resolved_signal_at";

    private final Dialect dialect;

    AlertRepository(Dialect dialect) {
        this.dialect = dialect;
    }

    // ---- alerts ----

    /**
     * The active alert of each fingerprint, read without locks and only in part: id, fingerprint, status, severity
     * and external id, what a repeated signal needs. To change an alert, {@link #lockByIds lock} it: that reads it whole.
     */
    Map<String, AlertRow> activeByFingerprint(Connection c, Collection<String> fingerprints) throws SQLException {
        Map<String, AlertRow> out = new LinkedHashMap<>();
        List<String> sorted = new ArrayList<>(fingerprints);
        Collections.sort(sorted);
        for (int i = 0; i < sorted.size(); i += CHUNK) {
            List<String> part = padded(sorted.subList(i, Math.min(sorted.size(), i + CHUNK)));
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, fingerprint, status, severity, external_id FROM alerts WHERE active_fp IN (" + marks(part.size()) + ")")) {
                for (int j = 0; j < part.size(); j++) ps.setString(j + 1, part.get(j));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        AlertRow r = head(rs);
                        r.externalId = rs.getString(5);
                        out.put(r.fingerprint, r);
                    }
                }
            }
        }
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
        List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(ids));
        for (int i = 0; i < sorted.size(); i += CHUNK) {
            List<String> part = padded(sorted.subList(i, Math.min(sorted.size(), i + CHUNK)));
            String sql = "SELECT " + COLUMNS + " FROM alerts WHERE id IN (" + marks(part.size()) + ") ORDER BY id FOR UPDATE";
            try (PreparedStatement ps = LockingReads.prepare(c, dialect, sql)) {
                for (int j = 0; j < part.size(); j++) ps.setString(j + 1, part.get(j));
                out.addAll(rows(ps));
            }
        }
        return out;
    }

    /**
     * For fingerprints closed by a RESOLVED signal at or after {@code since} (router time), that signal's own time:
     * a FIRING observed no later than it is a late copy (a sender's retry), not a new problem.
     */
    Map<String, Instant> recentlyResolved(Connection c, Collection<String> fingerprints, Instant since) throws SQLException {
        Map<String, Instant> out = new java.util.HashMap<>();
        List<String> all = new ArrayList<>(fingerprints);
        for (int i = 0; i < all.size(); i += CHUNK) {
            List<String> part = padded(all.subList(i, Math.min(all.size(), i + CHUNK)));
            try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint, resolved_signal_at FROM alerts WHERE fingerprint IN ("
                    + marks(part.size()) + ") AND resolved_at >= ? AND resolved_signal_at IS NOT NULL")) {
                int j = 1;
                for (String f : part) ps.setString(j++, f);
                ps.setObject(j, ts(since));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.merge(rs.getString(1), instant(rs, 2), (a, b) -> a.isAfter(b) ? a : b);
                }
            }
        }
        return out;
    }

    AlertRow byId(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE id = ?")) {
            ps.setString(1, id);
            List<AlertRow> r = rows(ps);
            return r.isEmpty() ? null : r.get(0);
        }
    }

    List<AlertRow> where(Connection c, String condition, List<Object> params, int limit) throws SQLException {
        return rows(c, "SELECT " + COLUMNS + " FROM alerts WHERE " + condition + " ORDER BY first_seen DESC, id LIMIT " + limit, params);
    }

    /**
     * Up to {@code limit} alerts meeting {@code condition}, locked in id order (see {@link #lockByIds}). On H2 they are
     * found without locks, locked by id, then the condition is checked again on the locked rows (another transaction
     * may have changed them meanwhile).
     */
    List<AlertRow> lockWhere(Connection c, String condition, List<Object> params, int limit) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            // one statement: PostgreSQL locks rows in the order the sort hands them out and checks the condition
            // again on each row it had to wait for
            return rows(c, "SELECT " + COLUMNS + " FROM alerts WHERE " + condition + " ORDER BY id LIMIT " + limit + " FOR UPDATE", params);
        }
        List<String> ids = new ArrayList<>();
        // no ORDER BY: they are locked in id order next, and without it H2 stops reading at the limit
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM alerts WHERE " + condition + " LIMIT " + limit)) {
            bindAll(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getString(1));
            }
        }
        if (ids.isEmpty()) return List.of();
        List<AlertRow> locked = lockByIds(c, ids);
        Set<String> still = new java.util.HashSet<>();
        for (int i = 0; i < ids.size(); i += CHUNK) {
            List<String> part = padded(ids.subList(i, Math.min(ids.size(), i + CHUNK)));
            List<Object> all = new ArrayList<>(part);
            all.addAll(params);
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM alerts WHERE id IN (" + marks(part.size()) + ") AND (" + condition + ")")) {
                bindAll(ps, all);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) still.add(rs.getString(1));
                }
            }
        }
        locked.removeIf(r -> !still.contains(r.id));
        return locked;
    }

    private List<AlertRow> rows(Connection c, String sql, List<Object> params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindAll(ps, params);
            return rows(ps);
        }
    }

    private static void bindAll(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) ps.setObject(i + 1, params.get(i) instanceof Instant t ? ts(t) : params.get(i));
    }

    void insert(Connection c, List<AlertRow> rows) throws SQLException {
        if (rows.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alerts (" + COLUMNS + ", active_fp) VALUES (" + marks(27) + ")")) {
            for (AlertRow r : rows) {
                bind(ps, r);
                ps.setString(27, r.active() ? r.fingerprint : null);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    void update(Connection c, Collection<AlertRow> rows) throws SQLException {
        if (rows.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("UPDATE alerts SET fingerprint = ?, status = ?, severity = ?, name = ?, source = ?,"
                + " rule_name = ?, summary = ?, runbook = ?, labels = ?, annotations = ?, vals = ?, external_id = ?, group_id = ?,"
                + " first_seen = ?, last_seen = ?, fires_at = ?, notified_at = ?, escalation_step = ?, reminders = ?,"
                + " next_escalation_at = ?, acked_at = ?, acked_by = ?, resolved_at = ?, resolved_by = ?, resolved_signal_at = ?, active_fp = ? WHERE id = ?")) {
            for (AlertRow r : rows) {
                bindAfterId(ps, r, 1);
                ps.setString(26, r.active() ? r.fingerprint : null);
                ps.setString(27, r.id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** What a repeated FIRING carried for a stored alert; null fields were not in the signal. */
    record Observation(String alertId, Instant seenAt, Map<String, Double> values, Map<String, String> annotations, String externalId) {}

    /** The common case, a repeated FIRING: appended, folded into the alert's row later ({@link #fold}). */
    void observe(Connection c, Collection<Observation> observations) throws SQLException {
        if (observations.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO alert_observations (alert_id, seen_at, vals, annotations, external_id) VALUES (?, ?, ?, ?, ?)")) {
            for (Observation o : observations) {
                ps.setString(1, o.alertId());
                ps.setObject(2, ts(o.seenAt()));
                ps.setString(3, o.values() == null ? null : Json.write(o.values()));
                ps.setString(4, o.annotations() == null ? null : Json.write(o.annotations()));
                ps.setString(5, cut(o.externalId(), 200));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Moves up to {@code max} of the oldest observations into their alerts: the newest time and the newest of each
     * field the signals carried, unless the row was written at or after that time (a resolve, a severity change),
     * then deletes exactly the observations read. Returns how many were folded.
     */
    int fold(Connection c, int max) throws SQLException {
        List<Long> seqs = new ArrayList<>();
        Map<String, Folded> byAlert = new java.util.TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, alert_id, seen_at, vals, annotations, external_id FROM alert_observations ORDER BY seq LIMIT " + max);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                seqs.add(rs.getLong(1));
                byAlert.computeIfAbsent(rs.getString(2), k -> new Folded()).add(instant(rs, 3), rs.getString(4), rs.getString(5), rs.getString(6));
            }
        }
        if (seqs.isEmpty()) return 0;
        // in id order, the order every transaction locks alerts in (see lockByIds)
        try (PreparedStatement ps = c.prepareStatement("UPDATE alerts SET last_seen = ?, vals = COALESCE(?, vals),"
                + " annotations = COALESCE(?, annotations), external_id = COALESCE(external_id, ?) WHERE id = ? AND last_seen < ?")) {
            for (var e : byAlert.entrySet()) {
                Folded f = e.getValue();
                ps.setObject(1, ts(f.seenAt));
                ps.setString(2, f.values);
                ps.setString(3, f.annotations);
                ps.setString(4, f.externalId);
                ps.setString(5, e.getKey());
                ps.setObject(6, ts(f.seenAt));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM alert_observations WHERE seq = ?")) {
            for (long seq : seqs) {
                ps.setLong(1, seq);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return seqs.size();
    }

    /** One alert's observations, added in the order they were made: the newest time, values and annotations, the first external id. */
    private static final class Folded {
        Instant seenAt;
        String values;
        String annotations;
        String externalId;

        void add(Instant at, String vals, String annotations, String externalId) {
            if (seenAt == null || at.isAfter(seenAt)) seenAt = at;
            if (vals != null) this.values = vals;
            if (annotations != null) this.annotations = annotations;
            if (this.externalId == null) this.externalId = externalId;
        }
    }

    private void bind(PreparedStatement ps, AlertRow r) throws SQLException {
        ps.setString(1, r.id);
        bindAfterId(ps, r, 2);
    }

    private void bindAfterId(PreparedStatement ps, AlertRow r, int i) throws SQLException {
        ps.setString(i++, r.fingerprint);
        ps.setString(i++, r.status);
        ps.setString(i++, r.severity.name());
        ps.setString(i++, cut(r.name, 200));
        ps.setString(i++, cut(r.source, 50));
        ps.setString(i++, r.rule);
        ps.setString(i++, cut(r.summary, 1000));
        ps.setString(i++, cut(r.runbook, 1000));
        ps.setString(i++, Json.write(r.labels));
        ps.setString(i++, Json.write(r.annotations));
        ps.setString(i++, Json.write(r.values));
        ps.setString(i++, cut(r.externalId, 200));
        ps.setString(i++, r.groupId);
        ps.setObject(i++, ts(r.firstSeen));
        ps.setObject(i++, ts(r.lastSeen));
        ps.setObject(i++, ts(r.firesAt));
        setTs(ps, i++, r.notifiedAt);
        ps.setInt(i++, r.step);
        ps.setInt(i++, r.reminders);
        setTs(ps, i++, r.nextEscalationAt);
        setTs(ps, i++, r.ackedAt);
        ps.setString(i++, cut(r.ackedBy, 200));
        setTs(ps, i++, r.resolvedAt);
        ps.setString(i++, cut(r.resolvedBy, 200));
        setTs(ps, i, r.resolvedSignalAt);
    }

    /** The columns every read of alerts begins with: id, fingerprint, status, severity. */
    private static AlertRow head(ResultSet rs) throws SQLException {
        AlertRow r = new AlertRow();
        r.id = rs.getString(1);
        r.fingerprint = rs.getString(2);
        r.status = rs.getString(3);
        r.severity = Severity.parse(rs.getString(4));
        return r;
    }

    private List<AlertRow> rows(PreparedStatement ps) throws SQLException {
        List<AlertRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                AlertRow r = head(rs);
                r.name = rs.getString(5);
                r.source = rs.getString(6);
                r.rule = rs.getString(7);
                r.summary = rs.getString(8);
                r.runbook = rs.getString(9);
                r.labels = read(rs.getString(10), STRINGS);
                r.annotations = read(rs.getString(11), STRINGS);
                r.values = read(rs.getString(12), NUMBERS);
                r.externalId = rs.getString(13);
                r.groupId = rs.getString(14);
                r.firstSeen = instant(rs, 15);
                r.lastSeen = instant(rs, 16);
                r.firesAt = instant(rs, 17);
                r.notifiedAt = instant(rs, 18);
                r.step = rs.getInt(19);
                r.reminders = rs.getInt(20);
                r.nextEscalationAt = instant(rs, 21);
                r.ackedAt = instant(rs, 22);
                r.ackedBy = rs.getString(23);
                r.resolvedAt = instant(rs, 24);
                r.resolvedBy = rs.getString(25);
                r.resolvedSignalAt = instant(rs, 26);
                out.add(r);
            }
        }
        return out;
    }

    // ---- groups ----

    record Group(String id, String key, Severity severity, Instant nextFlushAt, Instant lastFlushAt, int seq) {}

    Map<String, Group> lockGroups(Connection c, Collection<String> ids) throws SQLException {
        Map<String, Group> out = new LinkedHashMap<>();
        List<String> sorted = new ArrayList<>(ids);
        Collections.sort(sorted);
        for (int i = 0; i < sorted.size(); i += CHUNK) {
            List<String> part = padded(sorted.subList(i, Math.min(sorted.size(), i + CHUNK)));
            try (PreparedStatement ps = LockingReads.prepare(c, dialect, "SELECT group_id, group_key, severity, next_flush_at, last_flush_at, seq"
                    + " FROM alert_groups WHERE group_id IN (" + marks(part.size()) + ") ORDER BY group_id FOR UPDATE")) {
                for (int j = 0; j < part.size(); j++) ps.setString(j + 1, part.get(j));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new Group(rs.getString(1), rs.getString(2), Severity.parse(rs.getString(3)),
                                instant(rs, 4), instant(rs, 5), rs.getInt(6)));
                    }
                }
            }
        }
        return out;
    }

    void insertGroups(Connection c, Map<String, String[]> idToKeyAndSeverity) throws SQLException {
        if (idToKeyAndSeverity.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO alert_groups (group_id, group_key, severity, seq) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING")) {
            for (var e : new java.util.TreeMap<>(idToKeyAndSeverity).entrySet()) {
                ps.setString(1, e.getKey());
                ps.setString(2, cut(e.getValue()[0], 1000));
                ps.setString(3, e.getValue()[1]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    void updateGroups(Connection c, Collection<Group> groups) throws SQLException {
        if (groups.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE alert_groups SET next_flush_at = ?, last_flush_at = ?, seq = ? WHERE group_id = ?")) {
            for (Group g : groups) {
                setTs(ps, 1, g.nextFlushAt());
                setTs(ps, 2, g.lastFlushAt());
                ps.setInt(3, g.seq());
                ps.setString(4, g.id());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    boolean hasAnnouncedActive(Connection c, String groupId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM alerts WHERE group_id = ? AND status IN ('firing', 'acknowledged')"
                + " AND notified_at IS NOT NULL LIMIT 1")) {
            ps.setString(1, groupId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    List<String> dueGroups(Connection c, Instant now, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT group_id FROM alert_groups WHERE next_flush_at <= ? ORDER BY next_flush_at LIMIT " + limit)) {
            ps.setObject(1, ts(now));
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        }
    }

    // ---- who was told ----

    record Told(String alertId, String channel, String recipientKey, String recipientJson) {}

    void told(Connection c, List<Told> told) throws SQLException {
        if (told.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_recipients (alert_id, channel, recipient_key, recipient)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (Told t : told) {
                ps.setString(1, t.alertId());
                ps.setString(2, t.channel());
                ps.setString(3, t.recipientKey());
                ps.setString(4, t.recipientJson());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    List<Told> toldAbout(Connection c, Collection<String> alertIds) throws SQLException {
        List<Told> out = new ArrayList<>();
        List<String> all = new ArrayList<>(alertIds);
        for (int i = 0; i < all.size(); i += CHUNK) {
            List<String> part = padded(all.subList(i, Math.min(all.size(), i + CHUNK)));
            try (PreparedStatement ps = c.prepareStatement("SELECT alert_id, channel, recipient_key, recipient FROM alert_recipients"
                    + " WHERE alert_id IN (" + marks(part.size()) + ") ORDER BY alert_id, channel, recipient_key")) {
                for (int j = 0; j < part.size(); j++) ps.setString(j + 1, part.get(j));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new Told(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
        }
        return out;
    }

    // ---- history ----

    record Event(String alertId, Instant at, String event, String channel, String recipient, String actor, String detail) {}

    void history(Connection c, List<Event> events) throws SQLException {
        if (events.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_history (alert_id, at, event, channel, recipient, actor, detail)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (Event e : events) {
                ps.setString(1, e.alertId());
                ps.setObject(2, ts(e.at()));
                ps.setString(3, e.event());
                ps.setString(4, e.channel());
                ps.setString(5, cut(e.recipient(), 300));
                ps.setString(6, cut(e.actor(), 200));
                ps.setString(7, cut(e.detail(), 1000));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        // one line per alert event (each notification is logged when delivered), once the events are committed:
        // a transaction rolled back and run again logs them once
        List<Event> logged = events.stream().filter(e -> e.channel() == null).toList();
        if (!logged.isEmpty()) io.opsrouter.store.StateStore.afterCommit(() -> log(logged));
    }

    private static void log(List<Event> events) {
        for (Event e : events) {
            MDC.put("alert", e.alertId());
            try {
                LOG.info("alert {} {}{}", e.alertId(), e.event(), e.detail() == null ? "" : ": " + e.detail());
            } finally {
                MDC.remove("alert");
            }
        }
    }

    List<Event> historyOf(Connection c, String alertId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT alert_id, at, event, channel, recipient, actor, detail FROM alert_history"
                + " WHERE alert_id = ? ORDER BY id")) {
            ps.setString(1, alertId);
            List<Event> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Event(rs.getString(1), instant(rs, 2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7)));
                }
            }
            return out;
        }
    }

    // ---- helpers ----

    /**
     * The values of an IN list, repeated at the end up to the next power of two: a handful of statement texts
     * instead of one per list length, so the database's statement cache keeps them parsed.
     */
    static List<String> padded(List<String> values) {
        int n = Integer.highestOneBit(Math.max(1, values.size() - 1)) << 1;
        if (values.size() <= 1 || values.size() == n) return values;
        List<String> out = new ArrayList<>(n);
        out.addAll(values);
        while (out.size() < n) out.add(values.get(values.size() - 1));
        return out;
    }

    static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    static OffsetDateTime ts(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    static void setTs(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        else ps.setObject(i, ts(t));
    }

    static Instant instant(ResultSet rs, int i) throws SQLException {
        Object o = rs.getObject(i);
        if (o == null) return null;
        if (o instanceof OffsetDateTime odt) return odt.toInstant();
        if (o instanceof Timestamp t) return t.toInstant();
        if (o instanceof java.time.ZonedDateTime z) return z.toInstant();
        return rs.getObject(i, OffsetDateTime.class).toInstant();
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored alert JSON unreadable: " + e.getMessage(), e);
        }
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
