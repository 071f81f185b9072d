package io.opsrouter.alert;

import io.opsrouter.app.Json;
import io.opsrouter.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The named queries of table {@code alert_observations}: a repeated FIRING is appended here without locking its
 * alert, and folded into the alert's row later (see {@code V13__alert_observations.sql}).
 */
final class AlertObservations {
    /** What a repeated FIRING carried for a stored alert; null fields were not in the signal. */
    record Observation(
            String alertId,
            Instant seenAt,
            Map<String, Double> values,
            Map<String, String> annotations,
            String externalId) {
        /** Two repeats of one alert in one batch: the later one's fields where it carried them. */
        Observation then(Observation later) {
            return new Observation(
                    alertId,
                    later.seenAt(),
                    later.values() != null ? later.values() : values,
                    later.annotations() != null ? later.annotations() : annotations,
                    externalId != null ? externalId : later.externalId());
        }
    }

    /** The common case, a repeated FIRING: appended, folded into the alert's row later ({@link #fold}). */
    void add(Connection c, Collection<Observation> observations) throws SQLException {
        if (observations.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO alert_observations (alert_id, seen_at, vals, annotations, external_id) VALUES (?, ?, ?, ?, ?)")) {
            for (Observation o : observations) {
                ps.setString(1, o.alertId());
                ps.setObject(2, Sql.ts(o.seenAt()));
                ps.setString(3, o.values() == null ? null : Json.write(o.values()));
                ps.setString(4, o.annotations() == null ? null : Json.write(o.annotations()));
                ps.setString(5, Sql.cut(o.externalId(), 200));
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
        Map<String, Folded> byAlert = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                        "SELECT seq, alert_id, seen_at, vals, annotations, external_id FROM alert_observations ORDER BY seq LIMIT "
                                + max);
                ResultSet rs = ps.executeQuery()) {
            int seq = rs.findColumn("seq");
            int alert = rs.findColumn("alert_id");
            int seenAt = rs.findColumn("seen_at");
            int vals = rs.findColumn("vals");
            int annotations = rs.findColumn("annotations");
            int externalId = rs.findColumn("external_id");
            while (rs.next()) {
                seqs.add(rs.getLong(seq));
                byAlert.computeIfAbsent(rs.getString(alert), k -> new Folded())
                        .add(
                                Sql.instant(rs, seenAt),
                                rs.getString(vals),
                                rs.getString(annotations),
                                rs.getString(externalId));
            }
        }
        if (seqs.isEmpty()) return 0;
        // in id order, the order every transaction locks alerts in (see AlertRepository.lockByIds)
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE alerts SET last_seen = ?, vals = COALESCE(?, vals),"
                        + " annotations = COALESCE(?, annotations), external_id = COALESCE(external_id, ?) WHERE id = ? AND last_seen < ?")) {
            for (var e : byAlert.entrySet()) {
                Folded f = e.getValue();
                ps.setObject(1, Sql.ts(f.seenAt));
                ps.setString(2, f.values);
                ps.setString(3, f.annotations);
                ps.setString(4, f.externalId);
                ps.setString(5, e.getKey());
                ps.setObject(6, Sql.ts(f.seenAt));
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
}
