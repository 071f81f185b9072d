package io.opsrouter.heartbeat;

import io.opsrouter.store.StateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last pings of every heartbeat and the last Watchdog arrival of every sender, in the state store (table
 * {@code heartbeats}, migration V16), so that a restart or another replica knows them. A ping is applied under
 * the row's lock: two replicas receiving pings of the same job at once do not lose one.
 */
public final class HeartbeatStore {
    public static final String JOB = "job";
    public static final String WATCHDOG = "watchdog";

    /** A heartbeat's stored state and the last ping's log. */
    public record Row(
            String id,
            String kind,
            HeartbeatState state,
            String lastPingKind,
            String body,
            boolean bodyTruncated,
            Instant updatedAt) {}

    private final StateStore store;

    public HeartbeatStore(StateStore store) {
        this.store = store;
    }

    /** Applies {@code ping} to the stored state of {@code id} and returns the new state. */
    public HeartbeatState ping(String id, Ping ping, Instant at, String body, boolean truncated) {
        return store.inTransaction(c -> {
            insertIfAbsent(c, id, JOB, at);
            HeartbeatState before;
            try (PreparedStatement s =
                    c.prepareStatement("SELECT " + COLUMNS + " FROM heartbeats WHERE check_id = ? FOR UPDATE")) {
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    before = row(rs).state();
                }
            }
            HeartbeatState after = before.after(ping, at);
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE heartbeats SET last_ping_at = ?, last_finished_at = ?, run_started_at = ?,"
                            + " failed = ?, exit_status = ?, last_run_ms = ?, last_ping_kind = ?, last_body = ?, body_truncated = ?, updated_at = ?"
                            + " WHERE check_id = ?")) {
                setTs(u, 1, after.lastPing());
                setTs(u, 2, after.lastSuccessOrFail());
                setTs(u, 3, after.runStarted());
                u.setBoolean(4, after.failed());
                if (after.exitStatus() == null) u.setNull(5, Types.INTEGER);
                else u.setInt(5, after.exitStatus());
                if (after.lastRun() == null) u.setNull(6, Types.BIGINT);
                else u.setLong(6, after.lastRun().toMillis());
                u.setString(7, ping.label());
                u.setString(8, body);
                u.setBoolean(9, truncated);
                setTs(u, 10, at);
                u.setString(11, id);
                u.executeUpdate();
            }
            return after;
        });
    }

    /** Records that a sender's Watchdog alert arrived. */
    public void arrived(String sender, Instant at) {
        store.inTransaction(c -> {
            insertIfAbsent(c, sender, WATCHDOG, at);
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE heartbeats SET last_ping_at = ?, last_finished_at = ?, updated_at = ? WHERE check_id = ?")) {
                setTs(u, 1, at);
                setTs(u, 2, at);
                setTs(u, 3, at);
                u.setString(4, sender);
                return u.executeUpdate();
            }
        });
    }

    /** Every stored row of one kind, by id. */
    public Map<String, Row> all(String kind) {
        return store.read(c -> {
            Map<String, Row> out = new LinkedHashMap<>();
            try (PreparedStatement s =
                    c.prepareStatement("SELECT " + COLUMNS + " FROM heartbeats WHERE kind = ? ORDER BY check_id")) {
                s.setString(1, kind);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Row r = row(rs);
                        out.put(r.id(), r);
                    }
                }
            }
            return out;
        });
    }

    private static final String COLUMNS =
            "check_id, kind, last_ping_at, last_finished_at, run_started_at, failed, exit_status, last_run_ms,"
                    + " last_ping_kind, last_body, body_truncated, updated_at";

    private static void insertIfAbsent(Connection c, String id, String kind, Instant at) throws SQLException {
        try (PreparedStatement i = c.prepareStatement(
                "INSERT INTO heartbeats (check_id, kind, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            i.setString(1, id);
            i.setString(2, kind);
            setTs(i, 3, at);
            i.executeUpdate();
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        int exit = rs.getInt("exit_status");
        Integer exitStatus = rs.wasNull() ? null : exit;
        long runMs = rs.getLong("last_run_ms");
        Duration run = rs.wasNull() ? null : Duration.ofMillis(runMs);
        HeartbeatState state = new HeartbeatState(
                instant(rs, "last_ping_at"),
                instant(rs, "last_finished_at"),
                instant(rs, "run_started_at"),
                rs.getBoolean("failed"),
                exitStatus,
                run);
        return new Row(
                rs.getString("check_id"),
                rs.getString("kind"),
                state,
                rs.getString("last_ping_kind"),
                rs.getString("last_body"),
                rs.getBoolean("body_truncated"),
                instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static void setTs(PreparedStatement s, int index, Instant t) throws SQLException {
        if (t == null) s.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        else s.setObject(index, ts(t));
    }

    private static OffsetDateTime ts(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
