package io.opsrouter.heartbeat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.metrics.MeterNames;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Each enabled heartbeat's state, last ping, expected next ping and last run's duration; each Watchdog sender's
 * and own schedule's last arrival. Gauges read what the last check saw; a time not known yet reads NaN.
 */
final class HeartbeatMeters {
    private final MeterRegistry registry;
    private final HeartbeatChecker checker;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    HeartbeatMeters(MeterRegistry registry, HeartbeatChecker checker) {
        this.registry = registry;
        this.checker = checker;
        for (Heartbeat h : checker.heartbeats()) {
            if (!h.enabled()) continue;
            for (HeartbeatState.Status s : HeartbeatState.Status.values()) {
                Gauge.builder(
                                MeterNames.HEARTBEAT_STATE,
                                this,
                                m -> m.view(h.id()).status() == s ? 1 : 0)
                        .tags("heartbeat", h.id(), "state", s.name().toLowerCase())
                        .description("Heartbeat state (1 = current)")
                        .register(registry);
            }
            gauge(
                    MeterNames.HEARTBEAT_LAST_PING,
                    h.id(),
                    m -> seconds(m.view(h.id()).state().lastPing()),
                    "Last ping of the heartbeat");
            gauge(
                    MeterNames.HEARTBEAT_NEXT_EXPECTED,
                    h.id(),
                    m -> seconds(m.view(h.id()).nextExpected()),
                    "When the next ping is due");
            gauge(
                    MeterNames.HEARTBEAT_LAST_RUN,
                    h.id(),
                    m -> {
                        var run = m.view(h.id()).state().lastRun();
                        return run == null ? Double.NaN : run.toMillis() / 1000.0;
                    },
                    "Duration of the last run, from its /start");
        }
    }

    /** Registers the gauges of Watchdog senders and schedules seen since the last call. */
    void seen(DeadMansSwitch watchdog, ScheduleBeats schedules) {
        for (String sender : watchdog.senders().keySet()) {
            if (registered.add("w:" + sender)) {
                Gauge.builder(
                                MeterNames.WATCHDOG_LAST_SEEN,
                                watchdog,
                                w -> seconds(w.senders().get(sender)))
                        .tag("sender", sender)
                        .description("Last arrival of the sender's Watchdog alert")
                        .register(registry);
            }
        }
        for (String name : schedules.lastBeats().keySet()) {
            if (registered.add("s:" + name)) {
                Gauge.builder(
                                MeterNames.SCHEDULE_LAST_BEAT,
                                schedules,
                                s -> seconds(s.lastBeats().get(name)))
                        .tag("schedule", name)
                        .description("Last run of the router's own schedule")
                        .register(registry);
            }
        }
    }

    private HeartbeatChecker.View view(String id) {
        for (HeartbeatChecker.View v : checker.views()) if (v.heartbeat().id().equals(id)) return v;
        throw new IllegalStateException(id);
    }

    private void gauge(String name, String id, ToDoubleFunction<HeartbeatMeters> f, String description) {
        Gauge.builder(name, this, f)
                .tag("heartbeat", id)
                .description(description)
                .register(registry);
    }

    private static double seconds(Instant t) {
        return t == null || t == Instant.MAX ? Double.NaN : t.toEpochMilli() / 1000.0;
    }
}
