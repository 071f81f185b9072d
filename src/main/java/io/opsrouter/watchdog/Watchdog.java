package io.opsrouter.watchdog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The parts of the pipeline that must keep moving, and which of them has not for longer than {@link #stallAfter}:
 * a round of work (a sweep, a write of the intake, a channel's delivery) open that long is stuck. The router's
 * health turns a stuck part into a 503 naming it, and a meter shows it. Depends on nothing of the router's.
 */
public final class Watchdog {
    public static final Duration DEFAULT_STALL_AFTER = Duration.ofSeconds(60);

    /** A part that has been busy longer than the limit. */
    public record Stall(String part, Duration busyFor) {}

    private final LongSupplier nanos;
    private final Map<String, Progress> parts = new ConcurrentHashMap<>();
    private final List<Consumer<Progress>> listeners = new CopyOnWriteArrayList<>();
    private volatile Duration stallAfter = DEFAULT_STALL_AFTER;

    public Watchdog() {
        this(System::nanoTime);
    }

    Watchdog(LongSupplier nanos) {
        this.nanos = nanos;
    }

    public Duration stallAfter() {
        return stallAfter;
    }

    public void stallAfter(Duration limit) {
        if (limit.isNegative() || limit.isZero()) throw new IllegalArgumentException("the limit must be positive");
        this.stallAfter = limit;
    }

    /** The progress of a part, made on first use (the same object for the same name). */
    public Progress part(String name) {
        Progress[] made = new Progress[1];
        Progress p = parts.computeIfAbsent(name, n -> made[0] = new Progress(n, nanos));
        if (made[0] != null) listeners.forEach(l -> l.accept(made[0]));
        return p;
    }

    /** Told of every part, those there now and those made later (e.g. to give each a meter). */
    public void onPart(Consumer<Progress> listener) {
        listeners.add(listener);
        parts.values().forEach(listener);
    }

    public List<Progress> parts() {
        return List.copyOf(parts.values());
    }

    public boolean stuck(Progress p) {
        return p.busyNanos() > stallAfter.toNanos();
    }

    /** The parts stuck now, by name. */
    public List<Stall> stalled() {
        List<Stall> out = new ArrayList<>();
        for (Progress p : parts.values()) {
            long busy = p.busyNanos();
            if (busy > stallAfter.toNanos()) out.add(new Stall(p.part(), Duration.ofNanos(busy)));
        }
        out.sort(java.util.Comparator.comparing(Stall::part));
        return out;
    }
}
