package io.opsrouter.heartbeat;

import io.opsrouter.alert.Signal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Applies pings to the jobs' heartbeats and, on a timer ({@link #check}), turns each heartbeat's status into
 * signals: down (no ping in time, a run longer than its grace, {@code /fail}, a non-zero exit status) fires, and
 * leaving down resolves. The stored rows are read on every check, so pings taken by another replica count.
 */
public final class HeartbeatChecker {
    /** What is known about one heartbeat at the last look. */
    public record View(
            Heartbeat heartbeat,
            HeartbeatState state,
            HeartbeatState.Status status,
            Instant nextExpected,
            String lastPingKind,
            String lastBody,
            boolean bodyTruncated) {}

    private final List<Heartbeat> heartbeats;
    private final HeartbeatStore store;
    private final Clock clock;
    private final Consumer<Signal> sink;
    private final HeartbeatSignals signals = new HeartbeatSignals();
    private final Map<String, View> views = new java.util.concurrent.ConcurrentHashMap<>();

    public HeartbeatChecker(List<Heartbeat> heartbeats, HeartbeatStore store, Clock clock, Consumer<Signal> sink) {
        this.heartbeats = List.copyOf(heartbeats);
        this.store = store;
        this.clock = clock;
        this.sink = sink;
        for (Heartbeat h : heartbeats) {
            views.put(h.id(), new View(h, HeartbeatState.NEW, HeartbeatState.Status.NEW, null, null, null, false));
        }
    }

    /** The enabled heartbeat whose key this is, compared in constant time. */
    public Optional<Heartbeat> byKey(String key) {
        if (key == null) return Optional.empty();
        byte[] presented = key.getBytes(StandardCharsets.UTF_8);
        Heartbeat found = null;
        for (Heartbeat h : heartbeats) {
            if (h.enabled() && MessageDigest.isEqual(presented, h.key().getBytes(StandardCharsets.UTF_8))) found = h;
        }
        return Optional.ofNullable(found);
    }

    /** Stores the ping and sends a signal at once when it changes whether the heartbeat is down. */
    public HeartbeatState ping(Heartbeat h, Ping ping, String body, boolean truncated) {
        Instant now = clock.instant();
        HeartbeatState s = store.ping(h.id(), ping, now, body, truncated);
        look(h, s, ping.label(), body, truncated, now);
        return s;
    }

    /** Looks at every enabled heartbeat as stored. */
    public void check() {
        Instant now = clock.instant();
        Map<String, HeartbeatStore.Row> rows = store.all(HeartbeatStore.JOB);
        for (Heartbeat h : heartbeats) {
            if (!h.enabled()) continue;
            HeartbeatStore.Row r = rows.get(h.id());
            if (r == null) look(h, HeartbeatState.NEW, null, null, false, now);
            else look(h, r.state(), r.lastPingKind(), r.body(), r.bodyTruncated(), now);
        }
    }

    private void look(Heartbeat h, HeartbeatState s, String kind, String body, boolean truncated, Instant now) {
        HeartbeatState.Status status = s.status(h.schedule(), h.grace(), now);
        views.put(h.id(), new View(h, s, status, s.nextExpected(h.schedule()), kind, body, truncated));
        if (status == HeartbeatState.Status.NEW) return;
        if (signals.due(h.id(), status == HeartbeatState.Status.DOWN))
            sink.accept(HeartbeatSignals.job(h, s, status, now));
    }

    /** Every heartbeat (enabled or not) as last looked at, in file order. */
    public List<View> views() {
        Map<String, View> ordered = new LinkedHashMap<>();
        for (Heartbeat h : heartbeats) ordered.put(h.id(), views.get(h.id()));
        return List.copyOf(ordered.values());
    }

    public List<Heartbeat> heartbeats() {
        return heartbeats;
    }
}
