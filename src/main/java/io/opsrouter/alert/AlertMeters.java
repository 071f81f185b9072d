package io.opsrouter.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.metrics.MeterNames;
import io.opsrouter.store.StateStore;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The alert pipeline's meters: signals received (alerts received are counted by the ingest doors), alerts firing by severity, escalation steps, muted alerts. */
public final class AlertMeters {
    private final MeterRegistry registry;
    private final Map<Severity, AtomicLong> firing = new EnumMap<>(Severity.class);
    private final Map<String, Counter> signals = new ConcurrentHashMap<>();

    public AlertMeters(MeterRegistry registry) {
        this.registry = registry;
        for (Severity s : Severity.values()) {
            AtomicLong n = new AtomicLong();
            firing.put(s, n);
            Gauge.builder(MeterNames.ALERTS_FIRING, n, AtomicLong::get)
                    .tag("severity", s.name())
                    .description("Alerts firing and not acknowledged, by severity")
                    .register(registry);
        }
    }

    /** Per signal: the counters are looked up once per source and state, not built again for every signal. */
    void signal(Signal s) {
        signals.computeIfAbsent(
                        s.source() + "\u0000" + s.state(),
                        k -> registry.counter(
                                MeterNames.SIGNALS,
                                "source",
                                s.source(),
                                "state",
                                s.state().name().toLowerCase()))
                .increment();
    }

    void escalation(Severity s) {
        registry.counter(MeterNames.ESCALATION_STEPS, "severity", s.name()).increment();
    }

    void muted(String reason) {
        String kind = reason.startsWith("silenced")
                ? "silence"
                : reason.startsWith("maintenance") ? "maintenance" : "inhibition";
        registry.counter(MeterNames.ALERTS_MUTED, "reason", kind).increment();
    }

    void refresh(StateStore store, AlertRepository repo) {
        Map<Severity, Long> counts = store.read(repo::firingBySeverity);
        for (Severity s : Severity.values()) firing.get(s).set(counts.getOrDefault(s, 0L));
    }

    public long firing(Severity s) {
        return firing.get(s).get();
    }
}
