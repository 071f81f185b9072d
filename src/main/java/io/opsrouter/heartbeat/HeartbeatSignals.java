package io.opsrouter.heartbeat;

import io.opsrouter.alert.Severity;
import io.opsrouter.alert.Signal;
import io.opsrouter.config.Durations;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The signals heartbeats send into the alert pipeline, and when: on each change between down and not down, and on
 * the first look after a start (so that an alert left firing by a previous run resolves, as probes do).
 */
public final class HeartbeatSignals {
    public static final String SOURCE = "heartbeat";
    public static final String ROUTER = "router";
    public static final String PIPELINE_BROKEN = "AlertingPipelineBroken";
    public static final String SCHEDULE_STALLED = "RouterScheduleStalled";

    private final Map<String, Boolean> reported = new ConcurrentHashMap<>();

    /** True when a signal for {@code id} being {@code down} is due (and remembers it was sent). */
    public boolean due(String id, boolean down) {
        Boolean before = reported.put(id, down);
        return before == null || before != down;
    }

    public void forget(String id) {
        reported.remove(id);
    }

    /** A job's heartbeat: down (no ping in time, a run too long, a failure) or up again. */
    public static Signal job(Heartbeat h, HeartbeatState s, HeartbeatState.Status status, Instant now) {
        Map<String, String> labels = new LinkedHashMap<>(h.labels());
        labels.put("alertname", h.id());
        labels.put("heartbeat", h.id());
        labels.put("monitor", h.id());
        labels.put("kind", "heartbeat");
        boolean down = status == HeartbeatState.Status.DOWN;
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", down ? h.id() + " is down: " + why(h, s, now) : h.id() + " is up");
        annotations.put(
                "detail",
                h.schedule().describe() + ", grace " + Durations.format(h.grace())
                        + (s.lastPing() == null ? ", never pinged" : ", last ping " + s.lastPing()));
        if (h.runbook() != null) annotations.put("runbook", h.runbook());
        Map<String, Double> values = new LinkedHashMap<>();
        if (s.exitStatus() != null) values.put("exit_status", s.exitStatus().doubleValue());
        if (s.lastRun() != null) values.put("last_run_seconds", s.lastRun().toMillis() / 1000.0);
        return new Signal(
                SOURCE,
                h.id(),
                labels,
                annotations,
                values,
                down ? Signal.State.FIRING : Signal.State.RESOLVED,
                h.severity(),
                now,
                null);
    }

    static String why(Heartbeat h, HeartbeatState s, Instant now) {
        if (s.failed() && s.runStarted() == null) {
            return s.exitStatus() != null
                    ? "the last run exited with status " + s.exitStatus() + " at " + s.lastSuccessOrFail()
                    : "the last run reported a failure at " + s.lastSuccessOrFail();
        }
        if (s.runStarted() != null) {
            return "the run started at " + s.runStarted() + " has not finished within its grace of "
                    + Durations.format(h.grace());
        }
        return "no ping since " + s.lastPing() + " (expected by " + s.nextExpected(h.schedule()) + ", grace "
                + Durations.format(h.grace()) + ")";
    }

    /** Alertmanager's dead man's switch: a sender's Watchdog alert stopped arriving, or arrives again. */
    public static Signal pipeline(
            String sender, Instant lastSeen, boolean broken, HeartbeatSettings settings, Instant now) {
        Map<String, String> labels = Map.of("alertname", PIPELINE_BROKEN, "sender", sender, "service", "alerting");
        String summary = broken
                ? "The alerting pipeline is broken: no Watchdog alert from " + sender + " since " + lastSeen
                        + " (expected every "
                        + Durations.format(settings.watchdogPeriod()) + ", grace "
                        + Durations.format(settings.watchdogGrace())
                        + "); Prometheus or Alertmanager went quiet, so their alerts cannot arrive"
                : "Watchdog alerts from " + sender + " arrive again";
        return new Signal(
                ROUTER,
                PIPELINE_BROKEN,
                labels,
                Map.of("summary", summary, "runbook", "docs/heartbeats.md#the-dead-mans-switch"),
                Map.of(),
                broken ? Signal.State.FIRING : Signal.State.RESOLVED,
                Severity.P1,
                now,
                null);
    }

    /** One of the router's own schedules stopped firing, or fires again. */
    public static Signal schedule(String name, Instant lastBeat, boolean stalled, Instant now) {
        Map<String, String> labels = Map.of("alertname", SCHEDULE_STALLED, "schedule", name, "service", "router");
        String summary = stalled
                ? "The router's schedule " + name + " has not run since " + lastBeat + ": it is stalled"
                : "The router's schedule " + name + " runs again";
        return new Signal(
                ROUTER,
                SCHEDULE_STALLED,
                labels,
                Map.of("summary", summary, "runbook", "docs/heartbeats.md#the-routers-own-schedules"),
                Map.of(),
                stalled ? Signal.State.FIRING : Signal.State.RESOLVED,
                Severity.P1,
                now,
                null);
    }
}
