package io.opsrouter.probe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.opsrouter.metrics.MeterNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The probe meters. Prometheus wants one set of label names per meter, so every monitor's meters carry
 * {@code monitor}, {@code kind} and the union of all monitors' label names (empty where a monitor has none).
 */
public final class ProbeMeters {
    private final MeterRegistry registry;
    private volatile Set<String> labelNames;
    private final Map<String, PerMonitor> byMonitor = new ConcurrentHashMap<>();
    private final Timer startDelay;

    public ProbeMeters(MeterRegistry registry, Collection<Monitor> monitors) {
        this.registry = registry;
        this.labelNames = new TreeSet<>();
        monitors.forEach(m -> labelNames.addAll(m.labels().keySet()));
        this.startDelay = Timer.builder(MeterNames.PROBE_START_DELAY)
                .description("Delay between a probe's scheduled and actual start")
                .publishPercentiles(0.5, 0.99)
                .distributionStatisticExpiry(Duration.ofMinutes(2))
                .register(registry);
    }

    /**
     * After a reload: drops the meters of monitors that changed or left; when the set of label names changed,
     * drops every monitor's meters so that each name keeps one label set.
     */
    public synchronized void update(Collection<Monitor> monitors) {
        Set<String> names = new TreeSet<>();
        monitors.forEach(m -> names.addAll(m.labels().keySet()));
        boolean relabel = !names.equals(labelNames);
        java.util.Set<Monitor> keep = new java.util.HashSet<>(monitors);
        for (PerMonitor p : List.copyOf(byMonitor.values())) {
            if (relabel || !keep.contains(p.monitor)) {
                p.remove();
                byMonitor.remove(p.monitor.id(), p);
            }
        }
        labelNames = names;
    }

    public void startDelay(long nanos) {
        startDelay.record(Math.max(0, nanos), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public Timer startDelayTimer() {
        return startDelay;
    }

    public void record(ProbeResult r, MonitorState.Health health) {
        PerMonitor p = byMonitor.computeIfAbsent(r.monitor().id(), id -> new PerMonitor(r.monitor()));
        if (!p.monitor.equals(r.monitor())) return; // a late run of a definition reloaded away
        p.success.set(r.success() ? 1.0 : 0.0);
        p.up.set(
                switch (health) {
                    case UP -> 1.0;
                    case DOWN -> 0.0;
                    case UNKNOWN -> Double.NaN;
                });
        p.duration.record(r.latency());
        r.observation().values().forEach((name, v) -> p.value(name).set(v == null ? Double.NaN : v));
    }

    private List<Tag> tags(Monitor m) {
        List<Tag> tags = new ArrayList<>();
        tags.add(Tag.of("monitor", m.id()));
        tags.add(Tag.of("kind", m.kind().label()));
        for (String n : labelNames) tags.add(Tag.of(n, m.labels().getOrDefault(n, "")));
        return tags;
    }

    private final class PerMonitor {
        final Monitor monitor;
        final List<Tag> tags;
        final AtomicReference<Double> success = new AtomicReference<>(Double.NaN);
        final AtomicReference<Double> up = new AtomicReference<>(Double.NaN);
        final Timer duration;
        final Map<String, AtomicReference<Double>> values = new ConcurrentHashMap<>();
        final List<io.micrometer.core.instrument.Meter> registered = new java.util.concurrent.CopyOnWriteArrayList<>();

        PerMonitor(Monitor m) {
            monitor = m;
            tags = tags(m);
            gauge(MeterNames.PROBE_SUCCESS, tags, success, "1 when the last run passed every condition");
            gauge(MeterNames.PROBE_UP, tags, up, "1 when the monitor is up after thresholds, 0 when down");
            duration = Timer.builder(MeterNames.PROBE_DURATION)
                    .tags(tags)
                    .description("How long a probe run took")
                    .register(registry);
            registered.add(duration);
        }

        void remove() {
            registered.forEach(registry::remove);
        }

        AtomicReference<Double> value(String name) {
            return values.computeIfAbsent(name, n -> {
                AtomicReference<Double> ref = new AtomicReference<>(Double.NaN);
                if (monitor.kind() == Kind.TLS && n.equals(TlsProber.DAYS_LEFT)) {
                    gauge(MeterNames.TLS_CERT_EXPIRY_DAYS, tags, ref, "Days until the server certificate expires");
                } else {
                    List<Tag> t = new ArrayList<>(tags);
                    t.add(Tag.of("value", n));
                    gauge(MeterNames.PROBE_VALUE, t, ref, "A value a probe measured (SQL column, database metric)");
                }
                return ref;
            });
        }

        private void gauge(String name, List<Tag> t, AtomicReference<Double> ref, String description) {
            registered.add(Gauge.builder(name, ref, r -> r.get() == null ? Double.NaN : r.get())
                    .tags(t)
                    .description(description)
                    .strongReference(true)
                    .register(registry));
        }
    }
}
