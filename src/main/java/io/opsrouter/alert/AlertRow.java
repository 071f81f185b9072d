package io.opsrouter.alert;

import io.opsrouter.alert.lifecycle.AlertState;
import io.opsrouter.alert.lifecycle.Status;
import io.opsrouter.alert.lifecycle.Transition;
import io.opsrouter.outbox.AlertView;
import java.time.Instant;
import java.util.Map;

/**
 * One stored alert, as the pipeline reads and changes it inside a transaction. Its lifecycle fields change only
 * through {@link #apply(Transition)} (what {@link io.opsrouter.alert.lifecycle.Lifecycle} decided), its classification
 * only through {@link #reclassify}; a repeated signal moves {@code lastSeen} and the values it carries. It stays a
 * mutable holder rather than a record: the intake reads thousands of rows a second and changes few of them.
 */
final class AlertRow {
    String id;
    String fingerprint;
    Status status;
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
    /** How it was acknowledged ({@link AckVia#column()}); kept beside the lifecycle, which needs only who. */
    String ackedVia;

    Instant resolvedAt;
    String resolvedBy;
    Instant resolvedSignalAt;

    boolean active() {
        return status.active();
    }

    /** Its lifecycle, as the state machine takes it. */
    AlertState state() {
        return new AlertState(
                status,
                firesAt,
                notifiedAt,
                step,
                reminders,
                nextEscalationAt,
                ackedAt,
                ackedBy,
                resolvedAt,
                resolvedBy,
                resolvedSignalAt);
    }

    /** Takes the state a transition led to; returns the transition. */
    Transition apply(Transition t) {
        AlertState s = t.after();
        status = s.status();
        firesAt = s.firesAt();
        notifiedAt = s.notifiedAt();
        step = s.step();
        reminders = s.reminders();
        nextEscalationAt = s.nextEscalationAt();
        ackedAt = s.ackedAt();
        ackedBy = s.ackedBy();
        resolvedAt = s.resolvedAt();
        resolvedBy = s.resolvedBy();
        resolvedSignalAt = s.resolvedSignalAt();
        return t;
    }

    /** A more urgent classification of the same labels: its severity, rule, texts and so its group change. */
    void reclassify(Classifier.Classified k, Classifier classifier) {
        severity = k.severity();
        rule = k.rule();
        summary = k.summary();
        runbook = k.runbook();
        groupId = classifier.groupId(this);
    }

    /**
     * As messages show it; who acknowledged or resolved, how and when ride in the annotations
     * ({@code acknowledged_by}, {@code acknowledged_via}, {@code acknowledged_at}, {@code resolved_by},
     * {@code resolved_at}; times ISO-8601 UTC).
     */
    AlertView view() {
        Map<String, String> notes = annotations;
        if (ackedBy != null || resolvedBy != null || resolvedAt != null) {
            notes = new java.util.TreeMap<>(annotations == null ? Map.of() : annotations);
            if (ackedBy != null) {
                notes.put("acknowledged_by", ackedBy);
                if (ackedVia != null) notes.put("acknowledged_via", ackedVia);
                if (ackedAt != null) notes.put("acknowledged_at", ackedAt.toString());
            }
            if (resolvedBy != null) notes.put("resolved_by", resolvedBy);
            if (resolvedAt != null) notes.put("resolved_at", resolvedAt.toString());
        }
        return new AlertView(
                id,
                fingerprint,
                status.column(),
                severity.name(),
                name,
                summary,
                runbook,
                labels,
                notes,
                values,
                firstSeen,
                lastSeen);
    }
}
