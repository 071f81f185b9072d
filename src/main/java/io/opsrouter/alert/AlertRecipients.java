package io.opsrouter.alert;

import io.opsrouter.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The named queries of table {@code alert_recipients}: who was told about each alert, to tell them again. */
final class AlertRecipients {
    /** One channel and person (or {@code -}) told about an alert; the recipient as JSON. */
    record Told(String alertId, String channel, String recipientKey, String recipientJson) {}

    void add(Connection c, List<Told> told) throws SQLException {
        if (told.isEmpty()) return;
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO alert_recipients (alert_id, channel, recipient_key, recipient)"
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

    List<Told> about(Connection c, Collection<String> alertIds) throws SQLException {
        List<Told> out = new ArrayList<>();
        Sql.inChunks(alertIds, (part, marks) -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT alert_id, channel, recipient_key, recipient FROM alert_recipients"
                            + " WHERE alert_id IN (" + marks + ") ORDER BY alert_id, channel, recipient_key")) {
                Sql.bind(ps, 1, part);
                try (ResultSet rs = ps.executeQuery()) {
                    int alert = rs.findColumn("alert_id");
                    int channel = rs.findColumn("channel");
                    int key = rs.findColumn("recipient_key");
                    int recipient = rs.findColumn("recipient");
                    while (rs.next())
                        out.add(new Told(
                                rs.getString(alert),
                                rs.getString(channel),
                                rs.getString(key),
                                rs.getString(recipient)));
                }
            }
        });
        return out;
    }
}
