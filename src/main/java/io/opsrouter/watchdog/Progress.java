package io.opsrouter.watchdog;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The progress of one part of the pipeline (the sweep, the intake, one channel's dispatcher). Each round of work
 * is a {@link Cycle}, begun and closed around it; a part with no cycle open is idle, with nothing to do, which is
 * progress too. A part is stuck while a cycle has stayed open longer than the watchdog's limit. Times are
 * monotonic ({@link System#nanoTime}), not the router's clock, which tests move.
 */
public final class Progress {
    /** A round of work; {@link #close} when it ends, however it ends. */
    public interface Cycle extends AutoCloseable {
        @Override
        void close();
    }

    private final String part;
    private final LongSupplier nanos;
    private final Map<Object, Long> open = new ConcurrentHashMap<>();
    private volatile long lastDone;

    Progress(String part, LongSupplier nanos) {
        this.part = part;
        this.nanos = nanos;
        this.lastDone = nanos.getAsLong();
    }

    /** A progress nobody watches, for code run outside a router (tests, tools). */
    public static Progress unwatched(String part) {
        return new Progress(part, System::nanoTime);
    }

    public String part() {
        return part;
    }

    public Cycle begin() {
        Object token = new Object();
        open.put(token, nanos.getAsLong());
        return () -> {
            if (open.remove(token) != null) lastDone = nanos.getAsLong();
        };
    }

    /** Nanoseconds the oldest open cycle has run, or 0 while the part is idle. */
    public long busyNanos() {
        long now = nanos.getAsLong();
        long oldest = 0;
        for (long started : open.values()) oldest = Math.max(oldest, now - started);
        return oldest;
    }

    /** Nanoseconds since a cycle last ended (or since the part was made, when none has). */
    public long sinceDoneNanos() {
        return nanos.getAsLong() - lastDone;
    }
}
