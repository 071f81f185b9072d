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

    private final Map<String, MonitorState> states = new LinkedHashMap<>();
    private final ProbeMeters meters;
    private final AtomicLong results = new AtomicLong();

    public ProbeResults(Collection<Monitor> monitors, ProbeMeters meters) {
        monitors.forEach(m -> states.put(m.id(), new MonitorState(m)));
        this.meters = meters;
    }

    public Signal record(ProbeResult r) {
        MonitorState state = states.get(r.monitor().id());
        if (state == null) return null;
        MonitorState.Step step = state.apply(r);
        results.incrementAndGet();
        meters.record(r, step.after());
        if (step.changed()) {
            LOG.info("monitor {} is {} (was {}): {}", r.monitor().id(), step.after(), step.before(), r.detail());
        }
        return ProbeSignals.due(step) ? ProbeSignals.of(r, step.after()) : null;
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
