package io.opsrouter.probe;

import io.opsrouter.alert.Signal;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a probe result and its monitor's health into the signal the alert pipeline consumes. */
public final class ProbeSignals {
    public static final String SOURCE = "probe";

    private ProbeSignals() {}

    /** A signal is due on every change of health and on every result while the monitor is down. */
    public static boolean due(MonitorState.Step step) {
        return step.after() != MonitorState.Health.UNKNOWN
                && (step.changed() || step.after() == MonitorState.Health.DOWN);
    }

    /** The signal of a result; a FIRING one carries the monitor's first failing run, where a rule's 'for' starts. */
    public static Signal of(ProbeResult r, MonitorState.Step step) {
        Signal s = of(r, step.after());
        if (!s.firing() || step.failingSince() == null) return s;
        return new Signal(
                s.source(),
                s.name(),
                s.labels(),
                s.annotations(),
                s.values(),
                s.state(),
                s.severity(),
                s.at(),
                s.externalId(),
                step.failingSince());
    }

    public static Signal of(ProbeResult r, MonitorState.Health health) {
        Monitor m = r.monitor();
        Map<String, String> labels = new LinkedHashMap<>(m.labels());
        labels.put("alertname", m.id());
        labels.put("monitor", m.id());
        labels.put("kind", m.kind().label());
        boolean down = health == MonitorState.Health.DOWN;
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(
                "summary",
                down
                        ? m.id() + " is down: "
                                + oneLine(
                                        r.success()
                                                ? "last run passed, waiting for " + m.successThreshold() + " in a row"
                                                : r.detail())
                        : m.id() + " is up");
        annotations.put("detail", r.detail());
        if (m.runbook() != null) annotations.put("runbook", m.runbook());
        return new Signal(
                SOURCE,
                m.id(),
                labels,
                annotations,
                r.values(),
                down ? Signal.State.FIRING : Signal.State.RESOLVED,
                m.severity(),
                r.at(),
                null);
    }

    private static String oneLine(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= 200 ? one : one.substring(0, 197) + "...";
    }
}
