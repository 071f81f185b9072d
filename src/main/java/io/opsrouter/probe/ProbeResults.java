package io.opsrouter.probe;

import io.opsrouter.alert.Signal;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every result of every monitor: applies the thresholds, records the meters, and answers the signal to send (or
 * null when none is due). Also holds every monitor's state for {@code GET /api/monitors} (bean {@code probeResults}).
 */
public final class ProbeResults {
    public static final String BEAN = "probeResults";
    private static final Logger LOG = LoggerFactory.getLogger(ProbeResults.class);

    private volatile Map<String, MonitorState> states;
    private final ProbeMeters meters;
    private final AtomicLong results = new AtomicLong();

    public ProbeResults(Collection<Monitor> monitors, ProbeMeters meters) {
        this.meters = meters;
        replace(monitors);
    }

    /** After a reload: a monitor whose definition did not change keeps its state, so it sends no new signal. */
    public synchronized void replace(Collection<Monitor> monitors) {
        Map<String, MonitorState> old = states == null ? Map.of() : states;
        Map<String, MonitorState> next = new LinkedHashMap<>();
        for (Monitor m : monitors) {
            MonitorState kept = old.get(m.id());
            next.put(m.id(), kept != null && kept.monitor().equals(m) ? kept : new MonitorState(m));
        }
        states = java.util.Collections.unmodifiableMap(next);
    }

    public Signal record(ProbeResult r) {
        MonitorState state = states.get(r.monitor().id());
        if (state == null || !state.monitor().equals(r.monitor())) return null; // a run of a definition reloaded away
        MonitorState.Step step = state.apply(r);
        results.incrementAndGet();
        meters.record(r, step.after());
        if (step.changed()) {
            org.slf4j.MDC.put("monitor", r.monitor().id());
            try {
                LOG.info("monitor {} is {} (was {}): {}", r.monitor().id(), step.after(), step.before(), r.detail());
            } finally {
                org.slf4j.MDC.remove("monitor");
            }
        }
        return ProbeSignals.due(step) ? ProbeSignals.of(r, step) : null;
    }

    public List<MonitorState> states() {
        return List.copyOf(states.values());
    }

    public MonitorState state(String id) {
        return states.get(id);
    }

    public long resultCount() {
        return results.get();
    }
}
