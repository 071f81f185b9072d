package io.opsrouter.ingest;

import io.opsrouter.alert.Severity;
import java.util.Map;

/**
 * An explicit {@code priority} label (P1/P2/P3) wins; otherwise the {@code severity} label is looked up in the
 * configured map (case-insensitive); anything else, or no label at all, gets the default.
 */
public record SeverityMapping(Map<String, Severity> bySeverity, Severity fallback) {
    public SeverityMapping {
        bySeverity = Map.copyOf(bySeverity);
    }

    public Severity of(Map<String, String> labels) {
        return of(labels.get("priority"), labels.get("severity"));
    }

    public Severity of(String priority, String severity) {
        if (priority != null) {
            try {
                return Severity.parse(priority);
            } catch (IllegalArgumentException notAPriority) {
                // a priority label in another convention: fall back to the severity mapping
            }
        }
        if (severity != null) {
            Severity mapped = bySeverity.get(severity.trim().toLowerCase());
            if (mapped != null) return mapped;
        }
        return fallback;
    }
}
