package io.opsrouter.alert;

import io.opsrouter.store.Sql;
import io.opsrouter.store.StateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The named queries of table {@code alert_history}: what happened to each alert, also logged once committed. */
final class AlertHistory {
    private static final Logger LOG = LoggerFactory.getLogger(AlertHistory.class);

    /** One line of an alert's history; {@code channel} and {@code recipient} for a notification. */
    record Event(
            String alertId, Instant at, String event, String channel, String recipient, String actor, String detail) {}

    void add(Connection c, List<Event> events) throws SQLException {
        if (events.isEmpty()) return;
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO alert_history (alert_id, at, event, channel, recipient, actor, detail)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (Event e : events) {
                ps.setString(1, e.alertId());
                ps.setObject(2, Sql.ts(e.at()));
                ps.setString(3, e.event());
                ps.setString(4, e.channel());
                ps.setString(5, Sql.cut(e.recipient(), 300));
                ps.setString(6, Sql.cut(e.actor(), 200));
                ps.setString(7, Sql.cut(e.detail(), 1000));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        // one line per alert event (each notification is logged when delivered), once the events are committed:
        // a transaction rolled back and run again logs them once
        List<Event> logged = events.stream().filter(e -> e.channel() == null).toList();
        if (!logged.isEmpty()) StateStore.afterCommit(() -> log(logged));
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

    List<Event> of(Connection c, String alertId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT alert_id, at, event, channel, recipient, actor, detail FROM alert_history"
                        + " WHERE alert_id = ? ORDER BY id")) {
            ps.setString(1, alertId);
            List<Event> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Event(
                            rs.getString("alert_id"),
                            Sql.instant(rs, rs.findColumn("at")),
                            rs.getString("event"),
                            rs.getString("channel"),
                            rs.getString("recipient"),
                            rs.getString("actor"),
                            rs.getString("detail")));
                }
            }
            return out;
        }
    }
}
