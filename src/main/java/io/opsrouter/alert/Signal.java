package io.opsrouter.alert;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One observation that may become an alert: a probe result, an Alertmanager alert, a webhook event,
 * a backup outcome. Every source sends signals to {@link #ENDPOINT}; the alert pipeline classifies,
 * deduplicates and escalates them.
 *
 * @param source      who saw it: {@code probe}, {@code alertmanager}, {@code prometheus}, {@code webhook}, {@code backup}, {@code router}
 * @param name        what was checked: the monitor id, the alert name, the event name
 * @param labels      identifying labels; the alert's fingerprint is computed from these alone
 * @param annotations descriptive text (summary, description, runbook, detail); never part of the identity
 * @param values      measured numbers (latency_seconds, status, days_left, value, ...), for rules to compare
 * @param state       FIRING while the problem lasts, RESOLVED when it is gone
 * @param severity    an explicit severity from the sender, or null to let the classification rules decide
 * @param at          when it was observed
 * @param externalId  the sender's own id (Alertmanager fingerprint, event id), or null
 * @param since       when the problem was first seen (a monitor's first failing run), or null for {@code at}: a
 *                    rule's {@code for} counts from here, so a monitor's failure threshold does not add to it
 */
public record Signal(
        String source,
        String name,
        Map<String, String> labels,
        Map<String, String> annotations,
        Map<String, Double> values,
        State state,
        Severity severity,
        Instant at,
        String externalId,
        Instant since) {

    /** The one internal endpoint every signal goes to. */
    public static final String ENDPOINT = "direct:signals";

    public enum State {
        FIRING,
        RESOLVED
    }

    public Signal(
            String source,
            String name,
            Map<String, String> labels,
            Map<String, String> annotations,
            Map<String, Double> values,
            State state,
            Severity severity,
            Instant at,
            String externalId) {
        this(source, name, labels, annotations, values, state, severity, at, externalId, null);
    }

    public Signal {
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        values = values == null ? Map.of() : Map.copyOf(values);
        if (source == null || source.isBlank()) throw new IllegalArgumentException("signal without source");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("signal without name");
        if (state == null) throw new IllegalArgumentException("signal without state");
        if (at == null) at = Instant.now();
        if (since == null || since.isAfter(at)) since = at;
    }

    public boolean firing() {
        return state == State.FIRING;
    }
}
