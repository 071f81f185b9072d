package io.opsrouter.probe;

import io.opsrouter.config.Durations;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of a monitor and a result, shared by {@code GET /api/monitors} and {@code check --json}. */
public final class MonitorViews {
    private MonitorViews() {}

    public static Map<String, Object> monitor(Monitor m) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", m.id());
        v.put("kind", m.kind().label());
        v.put("enabled", m.enabled());
        if (!m.enabled()) v.put("disabledReason", m.disabledReason());
        v.put("target", m.target());
        v.put("schedule", m.schedule());
        v.put("timeout", Durations.format(m.timeout()));
        v.put("labels", m.labels());
        v.put("severity", m.severity() == null ? null : m.severity().name());
        v.put("conditions", m.conditions().stream().map(Condition::text).toList());
        v.put("failureThreshold", m.failureThreshold());
        v.put("successThreshold", m.successThreshold());
        return v;
    }

    public static Map<String, Object> state(MonitorState s) {
        Map<String, Object> v = monitor(s.monitor());
        v.put("state", s.monitor().enabled() ? s.health().name() : "DISABLED");
        v.put("stateSince", s.changedAt());
        v.put("failuresInARow", s.failures());
        v.put("successesInARow", s.successes());
        v.put("lastResult", s.last() == null ? null : result(s.last()));
        return v;
    }

    public static Map<String, Object> result(ProbeResult r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("at", r.at());
        v.put("success", r.success());
        v.put("latencySeconds", r.latency().toNanos() / 1e9);
        v.put("detail", r.detail());
        v.put("values", r.values());
        List<Map<String, Object>> cs = r.outcomes().stream()
                .map(o -> {
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("condition", o.condition());
                    c.put("passed", o.passed());
                    c.put("actual", o.actual());
                    return c;
                })
                .toList();
        v.put("conditions", cs);
        return v;
    }
}
