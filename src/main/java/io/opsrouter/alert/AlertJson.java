package io.opsrouter.alert;

import java.util.LinkedHashMap;
import java.util.Map;

/** How the API shows an alert and its history. */
final class AlertJson {
    private AlertJson() {}

    static Map<String, Object> of(AlertRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id);
        m.put("fingerprint", r.fingerprint);
        m.put("status", r.status.column());
        m.put("severity", r.severity.name());
        m.put("name", r.name);
        m.put("source", r.source);
        m.put("rule", r.rule);
        m.put("summary", r.summary);
        m.put("runbook", r.runbook);
        m.put("labels", r.labels);
        m.put("annotations", r.annotations);
        m.put("values", r.values);
        m.put("externalId", r.externalId);
        m.put("group", r.groupId);
        m.put("firstSeen", r.firstSeen);
        m.put("lastSeen", r.lastSeen);
        m.put("firesAt", r.firesAt);
        m.put("notifiedAt", r.notifiedAt);
        m.put("escalationStep", r.step);
        m.put("reminders", r.reminders);
        m.put("nextEscalationAt", r.nextEscalationAt);
        m.put("acknowledgedAt", r.ackedAt);
        m.put("acknowledgedBy", r.ackedBy);
        m.put("acknowledgedVia", r.ackedBy == null ? null : r.ackedVia);
        m.put("resolvedAt", r.resolvedAt);
        m.put("resolvedBy", r.resolvedBy);
        return m;
    }

    static Map<String, Object> of(AlertHistory.Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", e.at());
        m.put("event", e.event());
        if (e.channel() != null) m.put("channel", e.channel());
        if (e.recipient() != null) m.put("recipient", e.recipient());
        if (e.actor() != null) m.put("by", e.actor());
        if (e.detail() != null) m.put("detail", e.detail());
        return m;
    }

    static Map<String, Object> of(Silence s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("match", s.match());
        m.put("matchRe", s.matchRe());
        m.put("startsAt", s.startsAt());
        m.put("endsAt", s.endsAt());
        m.put("createdBy", s.createdBy());
        m.put("comment", s.comment());
        m.put("createdAt", s.createdAt());
        return m;
    }
}
