package io.opsrouter.heartbeat;

import io.opsrouter.alert.Signal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.camel.Exchange;

/**
 * The router's own schedules check in here: the escalation sweep, the backup watch, the Quartz scheduler the
 * backups run on, and the probe scheduler send a beat to {@link #ENDPOINT} each time they run. A schedule that
 * has beaten once and then not for its period plus grace is stalled: a P1 signal, and the {@code schedules}
 * part of {@code /health} is not ready (so the outgoing heartbeat says {@code /fail} even if the stalled
 * schedule is the one that would deliver the alert). In-process: each replica watches its own schedules.
 */
public final class ScheduleBeats {
    public static final String BEAN = "scheduleBeats";
    public static final String ENDPOINT = "direct:schedule-beat";
    /** The header naming the schedule when the exchange did not come from its route (the probe scheduler). */
    public static final String HEADER = "schedule";

    public static final String PROBE_SCHEDULER = "probe-scheduler";

    private final Map<String, Duration> periods;
    private final Duration defaultPeriod;
    private final Duration grace;
    private final Clock clock;
    private final Consumer<Signal> sink;
    private final Map<String, Instant> last = new ConcurrentHashMap<>();
    private final HeartbeatSignals signals = new HeartbeatSignals();

    /** @param periods how often each known schedule runs; others are expected every {@code defaultPeriod} */
    public ScheduleBeats(
            Map<String, Duration> periods, Duration defaultPeriod, Duration grace, Clock clock, Consumer<Signal> sink) {
        this.sink = sink;
        this.periods = Map.copyOf(periods);
        this.defaultPeriod = defaultPeriod;
        this.grace = grace;
        this.clock = clock;
    }

    /** A beat from a route: the schedule is the header {@value #HEADER}, else the route the exchange came from. */
    public void beat(Exchange exchange) {
        String name = exchange.getMessage().getHeader(HEADER, String.class);
        beat(name != null ? name : exchange.getFromRouteId());
    }

    public void beat(String schedule) {
        if (schedule != null) last.put(schedule, clock.instant());
    }

    public void check() {
        Instant now = clock.instant();
        last.forEach((name, beat) -> {
            boolean stalled = stalled(name, beat, now);
            if (signals.due(name, stalled)) sink.accept(HeartbeatSignals.schedule(name, beat, stalled, now));
        });
    }

    /** The stalled schedules, for {@code /health}. */
    public List<String> stalled() {
        Instant now = clock.instant();
        return last.entrySet().stream()
                .filter(e -> stalled(e.getKey(), e.getValue(), now))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    public Map<String, Instant> lastBeats() {
        return Map.copyOf(last);
    }

    private boolean stalled(String name, Instant beat, Instant now) {
        return !now.isBefore(
                beat.plus(periods.getOrDefault(name, defaultPeriod)).plus(grace));
    }
}
