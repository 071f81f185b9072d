package io.opsrouter.ingest;

import static io.opsrouter.ingest.StrictJson.boundedString;
import static io.opsrouter.ingest.StrictJson.object;
import static io.opsrouter.ingest.StrictJson.optionalBoolean;
import static io.opsrouter.ingest.StrictJson.optionalString;
import static io.opsrouter.ingest.StrictJson.requiredString;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.alert.Fingerprint;
import io.opsrouter.alert.Severity;
import io.opsrouter.alert.Signal;
import io.opsrouter.ingest.IngestSettings.Limits;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A generic JSON event from another system (the voice assistant's server, a deploy pipeline, a database webhook):
 * {@code source}, {@code name}, {@code severity} or {@code priority}, {@code labels}, {@code summary}, optional
 * {@code resolved}, and an optional {@code id} that {@link EventReplay} takes once per source. Its identity is its labels plus {@code alertname} (the name) and {@code source}.
 */
public final class EventPayloads {
    private static final int MAX_NAME = 256;

    private final Limits limits;
    private final SeverityMapping severities;
    private final Clock clock;

    public EventPayloads(Limits limits, SeverityMapping severities, Clock clock) {
        this.limits = limits;
        this.severities = severities;
        this.clock = clock;
    }

    public List<Signal> fromEvent(byte[] raw) {
        return Guard.parsing("events", () -> event(raw));
    }

    private List<Signal> event(byte[] raw) {
        JsonNode e = object(StrictJson.parse(raw), "body");
        // both become label values: control characters become spaces, as in labels
        String source = StrictJson.oneLine(requiredString(e, "source", ""));
        String name = StrictJson.oneLine(requiredString(e, "name", ""));
        if (source.length() > MAX_NAME)
            throw IngestRefusal.invalid("source", "source is longer than " + MAX_NAME + " characters");
        if (name.length() > MAX_NAME)
            throw IngestRefusal.invalid("name", "name is longer than " + MAX_NAME + " characters");
        String id = optionalString(e, "id", "");
        if (id != null && (id.isEmpty() || id.length() > MAX_NAME)) {
            throw IngestRefusal.invalid("id", "id must be 1 to " + MAX_NAME + " characters");
        }
        String priority = optionalString(e, "priority", "");
        if (priority != null) {
            try {
                Severity.parse(priority);
            } catch (IllegalArgumentException bad) {
                throw IngestRefusal.invalid("priority", "priority must be P1, P2 or P3");
            }
        }
        String severity = boundedString(e, "severity", "", limits.maxLabelValueLength());
        Map<String, String> labels = new HashMap<>(StrictJson.labels(e, "labels", "", limits, false));
        if (labels.size() + 2 > limits.maxLabels()) {
            throw IngestRefusal.invalid("labels", "labels has more than " + (limits.maxLabels() - 2) + " entries");
        }
        labels.put("alertname", name);
        labels.putIfAbsent("source", source);
        String summary = boundedString(e, "summary", "", limits.maxAnnotationValueLength());
        Boolean resolved = optionalBoolean(e, "resolved", "");
        Map<String, String> annotations = summary == null ? Map.of() : Map.of("summary", summary);
        Severity sev = severities.of(
                priority != null ? priority : labels.get("priority"),
                severity != null ? severity : labels.get("severity"));
        return List.of(new Signal(
                "webhook",
                name,
                labels,
                annotations,
                Map.of(),
                Boolean.TRUE.equals(resolved) ? Signal.State.RESOLVED : Signal.State.FIRING,
                sev,
                clock.instant(),
                Fingerprint.of(labels)));
    }
}
