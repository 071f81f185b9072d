package io.opsrouter.alert;

import io.opsrouter.outbox.AlertView;
import java.time.Instant;
import java.util.Map;

/** One stored alert, as the pipeline reads and changes it inside a transaction. */
final class AlertRow {
    String id;
    String fingerprint;
    String status;
    Severity severity;
    String name;
    String source;
    String rule;
    String summary;
    String runbook;
    Map<String, String> labels;
    Map<String, String> annotations;
    Map<String, Double> values;
    String externalId;
    String groupId;
    Instant firstSeen;
    Instant lastSeen;
    Instant firesAt;
    Instant notifiedAt;
    int step = -1;
    int reminders;
    Instant nextEscalationAt;
    Instant ackedAt;
    String ackedBy;
    Instant resolvedAt;
    String resolvedBy;
    Instant resolvedSignalAt;

    static final String PENDING = "pending";
    static final String FIRING = "firing";
    static final String ACKNOWLEDGED = "acknowledged";
    static final String RESOLVED = "resolved";

    boolean active() {
        return !RESOLVED.equals(status);
    }

    /** As messages show it; who acknowledged or resolved rides in the annotations ({@code acknowledged_by}, {@code resolved_by}). */
    AlertView view() {
        Map<String, String> notes = annotations;
        if (ackedBy != null || resolvedBy != null) {
            notes = new java.util.TreeMap<>(annotations);
            if (ackedBy != null) notes.put("acknowledged_by", ackedBy);
            if (resolvedBy != null) notes.put("resolved_by", resolvedBy);
        }
        return new AlertView(id, fingerprint, status, severity.name(), name, summary, runbook, labels, notes, values, firstSeen,
                lastSeen);
    }
}
