package io.opsrouter.heartbeat;

import io.opsrouter.alert.Signal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alertmanager's dead man's switch: an alert that must keep arriving (by default Prometheus's always-firing
 * {@code Watchdog}) is a heartbeat per sender. The ingest routes hand every batch to {@link #take} before the
 * alert pipeline: matching alerts are recorded and taken out, so the Watchdog itself never pages. {@link #check}
 * raises a P1 ("the alerting pipeline is broken", naming the sender) when a sender's Watchdog has not arrived
 * within period plus grace, and resolves it when it arrives again. Senders are told apart by the first of the
 * configured labels they carry (e.g. an external label {@code prometheus}), else by the door they came through.
 */
public final class DeadMansSwitch {
    public static final String BEAN = "deadMansSwitch";
    private static final Logger LOG = LoggerFactory.getLogger(DeadMansSwitch.class);

    private final HeartbeatSettings settings;
    private final HeartbeatStore store;
    private final Clock clock;
    private final Consumer<Signal> sink;
    private final HeartbeatSignals signals = new HeartbeatSignals();
    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();

    public DeadMansSwitch(HeartbeatSettings settings, HeartbeatStore store, Clock clock, Consumer<Signal> sink) {
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.sink = sink;
    }

    /** The signals that are not a dead man's switch; each firing one that is counts as its sender's arrival. */
    public List<Signal> take(List<Signal> batch) {
        if (batch == null) return null;
        List<Signal> rest = null;
        for (int i = 0; i < batch.size(); i++) {
            Signal s = batch.get(i);
            if (!settings.watchdogMatch().matches(s.labels())) {
                if (rest != null) rest.add(s);
                continue;
            }
            if (rest == null) rest = new ArrayList<>(batch.subList(0, i));
            if (s.firing()) arrived(sender(s));
        }
        return rest == null ? batch : rest;
    }

    String sender(Signal s) {
        for (String label : settings.watchdogSenderLabels()) {
            String v = s.labels().get(label);
            if (v != null && !v.isBlank()) return label + "=" + v;
        }
        return s.source();
    }

    private void arrived(String sender) {
        Instant now = clock.instant();
        Instant before = lastSeen.put(sender, now);
        if (before == null)
            LOG.info("dead man's switch: Watchdog alerts from {} arrive; the router pages when they stop", sender);
        store.arrived(sender, now);
    }

    /** Raises or resolves the pipeline alert of each sender seen so far (on this or another replica, or before a restart). */
    public void check() {
        Instant now = clock.instant();
        store.all(HeartbeatStore.WATCHDOG)
                .forEach((sender, row) ->
                        lastSeen.merge(sender, row.state().lastPing(), (a, b) -> a.isAfter(b) ? a : b));
        lastSeen.forEach((sender, seen) -> {
            boolean broken = !now.isBefore(deadline(seen));
            if (signals.due(sender, broken)) {
                if (broken)
                    LOG.error("the alerting pipeline is broken: no Watchdog alert from {} since {}", sender, seen);
                sink.accept(HeartbeatSignals.pipeline(sender, seen, broken, settings, now));
            }
        });
    }

    Instant deadline(Instant seen) {
        return seen.plus(settings.watchdogPeriod()).plus(settings.watchdogGrace());
    }

    /** Each sender and when its Watchdog last arrived. */
    public Map<String, Instant> senders() {
        return Map.copyOf(lastSeen);
    }
}
