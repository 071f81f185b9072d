package io.opsrouter.heartbeat;

import io.opsrouter.alert.Severity;
import java.time.Duration;
import java.util.Map;

/**
 * One {@code kind: heartbeat} monitor of {@code config/monitors.yaml}: a job that must ping
 * {@code /ping/<key>} on its schedule. The key is a secret (from the environment); it is never shown.
 * A heartbeat whose key variable is unset is kept but disabled, with the reason.
 */
public record Heartbeat(
        String id,
        String key,
        Schedule schedule,
        Duration grace,
        Map<String, String> labels,
        Severity severity,
        String runbook,
        String disabledReason) {
    public Heartbeat {
        labels = Map.copyOf(labels);
    }

    public boolean enabled() {
        return disabledReason == null;
    }

    @Override
    public String toString() {
        return "Heartbeat[" + id + ", " + schedule.describe() + "]";
    }
}
