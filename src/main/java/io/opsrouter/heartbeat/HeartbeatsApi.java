package io.opsrouter.heartbeat;

import io.opsrouter.app.ApiErrors;
import io.opsrouter.config.Durations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/heartbeats}: each heartbeat's state, last ping, expected next ping, last run and last log; the
 * Watchdog senders and the router's own schedules. Bearer token ({@code ROUTER_API_TOKEN}), as every /api route.
 * Keys are never shown.
 */
public final class HeartbeatsApi {
    public static final String BEAN = "heartbeatsApi";
    private final HeartbeatChecker checker;
    private final DeadMansSwitch watchdog;
    private final ScheduleBeats schedules;
    private final HeartbeatSettings settings;

    /** Answers {@code GET /api/heartbeats}; the route's {@code api} configuration has checked the token. */
    public HeartbeatsApi(
            HeartbeatChecker checker, DeadMansSwitch watchdog, ScheduleBeats schedules, HeartbeatSettings settings) {
        this.checker = checker;
        this.watchdog = watchdog;
        this.schedules = schedules;
        this.settings = settings;
    }

    public void respond(Exchange exchange) {
        List<Map<String, Object>> beats = new ArrayList<>();
        for (HeartbeatChecker.View v : checker.views()) beats.add(view(v));
        List<Map<String, Object>> senders = new ArrayList<>();
        watchdog.senders().forEach((sender, seen) -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("sender", sender);
            s.put("lastSeen", seen.toString());
            s.put("downAt", watchdog.deadline(seen).toString());
            senders.add(s);
        });
        Map<String, Object> schedulesView = new LinkedHashMap<>();
        schedules.lastBeats().forEach((name, at) -> schedulesView.put(name, at.toString()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("heartbeats", beats);
        body.put(
                "watchdog",
                Map.of(
                        "period",
                        Durations.format(settings.watchdogPeriod()),
                        "grace",
                        Durations.format(settings.watchdogGrace()),
                        "senders",
                        senders));
        body.put("schedules", Map.of("lastBeats", schedulesView, "stalled", schedules.stalled()));
        ApiErrors.json(exchange, 200, body);
    }

    static Map<String, Object> view(HeartbeatChecker.View v) {
        Heartbeat h = v.heartbeat();
        HeartbeatState s = v.state();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", h.id());
        m.put("enabled", h.enabled());
        if (!h.enabled()) m.put("disabledReason", h.disabledReason());
        m.put("status", v.status().name().toLowerCase());
        m.put("schedule", h.schedule().describe());
        m.put("grace", Durations.format(h.grace()));
        put(m, "lastPing", s.lastPing());
        m.put("lastPingKind", v.lastPingKind());
        put(m, "nextExpected", v.nextExpected());
        put(m, "runStarted", s.runStarted());
        m.put("lastRunSeconds", s.lastRun() == null ? null : s.lastRun().toMillis() / 1000.0);
        m.put("exitStatus", s.exitStatus());
        m.put("lastLog", v.lastBody());
        m.put("lastLogTruncated", v.bodyTruncated());
        return m;
    }

    private static void put(Map<String, Object> m, String key, Instant t) {
        m.put(key, t == null || t == Instant.MAX ? null : t.toString());
    }
}
