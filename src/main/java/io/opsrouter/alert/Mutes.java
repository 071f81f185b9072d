package io.opsrouter.alert;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decides, for one moment, whether an alert is silenced (API silence or maintenance window) or inhibited. */
final class Mutes {
    private static final Logger LOG = LoggerFactory.getLogger(Mutes.class);
    private final Connection c;
    private final Instant now;
    private final AlertRules rules;
    private final Map<String, LabelMatcher> silences = new LinkedHashMap<>();
    private List<Map<String, String>> sources;
    private final List<Map<String, String>> unstored = new ArrayList<>();

    Mutes(Connection c, Instant now, AlertRules rules, SilenceStore silenceStore) throws SQLException {
        this.c = c;
        this.now = now;
        this.rules = rules;
        for (Silence s : silenceStore.list(c, now)) {
            if (!s.activeAt(now)) continue;
            try {
                silences.put(s.id(), s.matcher());
            } catch (IllegalArgumentException e) {
                // stored before expressions were RE2: it silences nothing rather than stopping the sweep
                LOG.warn("silence {} is skipped: one of its matchRe {}", s.id(), e.getMessage());
            }
        }
    }

    /** Firing alerts of the transaction not written yet: inhibition sources like the stored ones. */
    Mutes alsoFiring(List<AlertRow> rows) {
        for (AlertRow r : rows) unstored.add(r.labels);
        if (sources != null) sources.addAll(rows.stream().map(r -> r.labels).toList());
        return this;
    }

    /** Why the alert must not be announced now, or null. */
    String reason(AlertRow a) throws SQLException {
        for (Map.Entry<String, LabelMatcher> s : silences.entrySet()) {
            if (s.getValue().matches(a.labels)) return "silenced by " + s.getKey();
        }
        for (AlertRules.MaintenanceWindow w : rules.maintenance()) {
            if (w.matcher().matches(a.labels) && w.activeAt(now)) return "maintenance window " + w.name();
        }
        for (AlertRules.Inhibition i : rules.inhibitions()) {
            if (!i.target().matches(a.labels)) continue;
            for (Map<String, String> src : sources()) {
                if (src.equals(a.labels) || !i.source().matches(src)) continue;
                boolean equal = true;
                for (String l : i.equal()) {
                    if (!Objects.equals(src.getOrDefault(l, ""), a.labels.getOrDefault(l, ""))) equal = false;
                }
                if (equal) return "inhibited by " + i.name();
            }
        }
        return null;
    }

    private List<Map<String, String>> sources() throws SQLException {
        if (sources != null) return sources;
        sources = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT labels FROM alerts WHERE " + AlertRepository.LIVE);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                sources.add(io.opsrouter.app.Json.MAPPER.readValue(
                        rs.getString(1), new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {}));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        sources.addAll(unstored);
        return sources;
    }
}
