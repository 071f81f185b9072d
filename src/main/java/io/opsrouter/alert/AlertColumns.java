package io.opsrouter.alert;

import com.fasterxml.jackson.core.type.TypeReference;
import io.opsrouter.alert.lifecycle.Status;
import io.opsrouter.app.Json;
import io.opsrouter.store.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The columns of table {@code alerts} and how an {@link AlertRow} is written to and read from them, each column named
 * once next to its field: statements are built from {@link #WRITTEN}, and rows are read by column name (the names
 * resolved to positions once per result set, not per row).
 */
final class AlertColumns {
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};
    private static final TypeReference<Map<String, Double>> NUMBERS = new TypeReference<>() {};

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps, int i, AlertRow r) throws SQLException;
    }

    private record Column(String name, Binder binder) {}

    /** Every column but {@code id}, in the order statements list them; {@code active_fp} holds the fingerprint while active. */
    private static final List<Column> WRITTEN = List.of(
            new Column("fingerprint", (ps, i, r) -> ps.setString(i, r.fingerprint)),
            new Column("status", (ps, i, r) -> ps.setString(i, r.status.column())),
            new Column("severity", (ps, i, r) -> ps.setString(i, r.severity.name())),
            new Column("name", (ps, i, r) -> ps.setString(i, Sql.cut(r.name, 200))),
            new Column("source", (ps, i, r) -> ps.setString(i, Sql.cut(r.source, 50))),
            new Column("rule_name", (ps, i, r) -> ps.setString(i, r.rule)),
            new Column("summary", (ps, i, r) -> ps.setString(i, Sql.cut(r.summary, 1000))),
            new Column("runbook", (ps, i, r) -> ps.setString(i, Sql.cut(r.runbook, 1000))),
            new Column("labels", (ps, i, r) -> ps.setString(i, Json.write(r.labels))),
            new Column("annotations", (ps, i, r) -> ps.setString(i, Json.write(r.annotations))),
            new Column("vals", (ps, i, r) -> ps.setString(i, Json.write(r.values))),
            new Column("external_id", (ps, i, r) -> ps.setString(i, Sql.cut(r.externalId, 200))),
            new Column("group_id", (ps, i, r) -> ps.setString(i, r.groupId)),
            new Column("first_seen", (ps, i, r) -> ps.setObject(i, Sql.ts(r.firstSeen))),
            new Column("last_seen", (ps, i, r) -> ps.setObject(i, Sql.ts(r.lastSeen))),
            new Column("fires_at", (ps, i, r) -> ps.setObject(i, Sql.ts(r.firesAt))),
            new Column("notified_at", (ps, i, r) -> Sql.setTs(ps, i, r.notifiedAt)),
            new Column("escalation_step", (ps, i, r) -> ps.setInt(i, r.step)),
            new Column("reminders", (ps, i, r) -> ps.setInt(i, r.reminders)),
            new Column("next_escalation_at", (ps, i, r) -> Sql.setTs(ps, i, r.nextEscalationAt)),
            new Column("acked_at", (ps, i, r) -> Sql.setTs(ps, i, r.ackedAt)),
            new Column("acked_by", (ps, i, r) -> ps.setString(i, Sql.cut(r.ackedBy, 200))),
            new Column("acked_via", (ps, i, r) -> ps.setString(i, Sql.cut(r.ackedVia, 20))),
            new Column("resolved_at", (ps, i, r) -> Sql.setTs(ps, i, r.resolvedAt)),
            new Column("resolved_by", (ps, i, r) -> ps.setString(i, Sql.cut(r.resolvedBy, 200))),
            new Column("resolved_signal_at", (ps, i, r) -> Sql.setTs(ps, i, r.resolvedSignalAt)),
            new Column("active_fp", (ps, i, r) -> ps.setString(i, r.active() ? r.fingerprint : null)));

    /** The columns a whole-row read selects. */
    static final String ALL;

    static final String INSERT;
    static final String UPDATE;

    static {
        List<String> names = new ArrayList<>(List.of("id"));
        List<String> sets = new ArrayList<>();
        for (Column c : WRITTEN) {
            names.add(c.name());
            sets.add(c.name() + " = ?");
        }
        INSERT = "INSERT INTO alerts (" + String.join(", ", names) + ") VALUES (" + Sql.marks(names.size()) + ")";
        UPDATE = "UPDATE alerts SET " + String.join(", ", sets) + " WHERE id = ?";
        names.remove("active_fp");
        ALL = String.join(", ", names);
    }

    private AlertColumns() {}

    static void bindInsert(PreparedStatement ps, AlertRow r) throws SQLException {
        ps.setString(1, r.id);
        for (int i = 0; i < WRITTEN.size(); i++) WRITTEN.get(i).binder().bind(ps, i + 2, r);
    }

    static void bindUpdate(PreparedStatement ps, AlertRow r) throws SQLException {
        for (int i = 0; i < WRITTEN.size(); i++) WRITTEN.get(i).binder().bind(ps, i + 1, r);
        ps.setString(WRITTEN.size() + 1, r.id);
    }

    /** Reads alerts rows by column name: whichever of the columns a query selected, the others are left unset. */
    static final class Reader {
        private int id,
                fingerprint,
                status,
                severity,
                name,
                source,
                rule,
                summary,
                runbook,
                labels,
                annotations,
                values,
                externalId,
                groupId,
                firstSeen,
                lastSeen,
                firesAt,
                notifiedAt,
                step,
                reminders,
                nextEscalationAt,
                ackedAt,
                ackedBy,
                ackedVia,
                resolvedAt,
                resolvedBy,
                resolvedSignalAt;

        Reader(ResultSet rs) throws SQLException {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                switch (md.getColumnLabel(i).toLowerCase(Locale.ROOT)) {
                    case "id" -> id = i;
                    case "fingerprint" -> fingerprint = i;
                    case "status" -> status = i;
                    case "severity" -> severity = i;
                    case "name" -> name = i;
                    case "source" -> source = i;
                    case "rule_name" -> rule = i;
                    case "summary" -> summary = i;
                    case "runbook" -> runbook = i;
                    case "labels" -> labels = i;
                    case "annotations" -> annotations = i;
                    case "vals" -> values = i;
                    case "external_id" -> externalId = i;
                    case "group_id" -> groupId = i;
                    case "first_seen" -> firstSeen = i;
                    case "last_seen" -> lastSeen = i;
                    case "fires_at" -> firesAt = i;
                    case "notified_at" -> notifiedAt = i;
                    case "escalation_step" -> step = i;
                    case "reminders" -> reminders = i;
                    case "next_escalation_at" -> nextEscalationAt = i;
                    case "acked_at" -> ackedAt = i;
                    case "acked_by" -> ackedBy = i;
                    case "acked_via" -> ackedVia = i;
                    case "resolved_at" -> resolvedAt = i;
                    case "resolved_by" -> resolvedBy = i;
                    case "resolved_signal_at" -> resolvedSignalAt = i;
                    default -> {}
                }
            }
        }

        AlertRow row(ResultSet rs) throws SQLException {
            AlertRow r = new AlertRow();
            r.id = rs.getString(id);
            r.fingerprint = rs.getString(fingerprint);
            r.status = Status.ofColumn(rs.getString(status));
            r.severity = Severity.parse(rs.getString(severity));
            if (name > 0) r.name = rs.getString(name);
            if (source > 0) r.source = rs.getString(source);
            if (rule > 0) r.rule = rs.getString(rule);
            if (summary > 0) r.summary = rs.getString(summary);
            if (runbook > 0) r.runbook = rs.getString(runbook);
            if (labels > 0) r.labels = json(rs.getString(labels), STRINGS);
            if (annotations > 0) r.annotations = json(rs.getString(annotations), STRINGS);
            if (values > 0) r.values = json(rs.getString(values), NUMBERS);
            if (externalId > 0) r.externalId = rs.getString(externalId);
            if (groupId > 0) r.groupId = rs.getString(groupId);
            if (firstSeen > 0) r.firstSeen = Sql.instant(rs, firstSeen);
            if (lastSeen > 0) r.lastSeen = Sql.instant(rs, lastSeen);
            if (firesAt > 0) r.firesAt = Sql.instant(rs, firesAt);
            if (notifiedAt > 0) r.notifiedAt = Sql.instant(rs, notifiedAt);
            if (step > 0) r.step = rs.getInt(step);
            if (reminders > 0) r.reminders = rs.getInt(reminders);
            if (nextEscalationAt > 0) r.nextEscalationAt = Sql.instant(rs, nextEscalationAt);
            if (ackedAt > 0) r.ackedAt = Sql.instant(rs, ackedAt);
            if (ackedBy > 0) r.ackedBy = rs.getString(ackedBy);
            if (ackedVia > 0) r.ackedVia = rs.getString(ackedVia);
            if (resolvedAt > 0) r.resolvedAt = Sql.instant(rs, resolvedAt);
            if (resolvedBy > 0) r.resolvedBy = rs.getString(resolvedBy);
            if (resolvedSignalAt > 0) r.resolvedSignalAt = Sql.instant(rs, resolvedSignalAt);
            return r;
        }
    }

    /** Every row of a query that selected {@link #ALL}. */
    static List<AlertRow> rows(PreparedStatement ps) throws SQLException {
        List<AlertRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            Reader reader = null;
            while (rs.next()) {
                if (reader == null) reader = new Reader(rs);
                out.add(reader.row(rs));
            }
        }
        return out;
    }

    private static <T> T json(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored alert JSON unreadable: " + e.getMessage(), e);
        }
    }
}
