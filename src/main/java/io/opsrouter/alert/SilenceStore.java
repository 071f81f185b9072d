package io.opsrouter.alert;

import com.fasterxml.jackson.core.type.TypeReference;
import io.opsrouter.app.Json;
import io.opsrouter.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Silences in the state store. */
final class SilenceStore {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SilenceStore.class);
    private static final TypeReference<Map<String, Map<String, String>>> MATCHERS = new TypeReference<>() {};

    void insert(Connection c, Silence s) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment,"
                        + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, s.id());
            ps.setString(2, Json.write(Map.of("match", s.match(), "matchRe", s.matchRe())));
            ps.setObject(3, Sql.ts(s.startsAt()));
            ps.setObject(4, Sql.ts(s.endsAt()));
            ps.setString(5, s.createdBy());
            ps.setString(6, s.comment());
            ps.setObject(7, Sql.ts(s.createdAt()));
            ps.executeUpdate();
        }
        // who and what, once committed; the free-text comment stays out of the log
        io.opsrouter.store.StateStore.afterCommit(() -> LOG.info(
                "silence {} created by {} through the API: match {} matchRe {} from {} until {}",
                s.id(),
                s.createdBy(),
                s.match(),
                s.matchRe(),
                io.opsrouter.log.LogZone.format(s.startsAt()),
                io.opsrouter.log.LogZone.format(s.endsAt())));
    }

    /** Silences that have not ended by {@code now} (active and future), or all when {@code now} is null. */
    List<Silence> list(Connection c, Instant now) throws SQLException {
        String sql = "SELECT id, matchers, starts_at, ends_at, created_by, comment, created_at FROM silences"
                + (now == null ? "" : " WHERE ends_at > ?") + " ORDER BY starts_at, id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (now != null) ps.setObject(1, Sql.ts(now));
            List<Silence> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Map<String, String>> m;
                    try {
                        m = Json.MAPPER.readValue(rs.getString(2), MATCHERS);
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                    out.add(new Silence(
                            rs.getString(1),
                            m.getOrDefault("match", Map.of()),
                            m.getOrDefault("matchRe", Map.of()),
                            Sql.instant(rs, 3),
                            Sql.instant(rs, 4),
                            rs.getString(5),
                            rs.getString(6),
                            Sql.instant(rs, 7)));
                }
            }
            return out;
        }
    }

    /** Ends a silence now; false when there is none with that id. */
    boolean expire(Connection c, String id, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE silences SET ends_at = CASE WHEN ends_at > ? THEN ? ELSE ends_at END WHERE id = ?")) {
            ps.setObject(1, Sql.ts(now));
            ps.setObject(2, Sql.ts(now));
            ps.setString(3, id);
            boolean found = ps.executeUpdate() == 1;
            if (found)
                io.opsrouter.store.StateStore.afterCommit(() ->
                        LOG.info("silence {} ended at {} through the API", id, io.opsrouter.log.LogZone.format(now)));
            return found;
        }
    }
}
