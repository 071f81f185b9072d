package io.opsrouter.log;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * At most one log line per key and period; the lines held back meanwhile are counted into the next one. For lines
 * a sender can cause at will (one per refused request): a flood of them would otherwise fill the log, 770 lines
 * in one 30 s flood of 48 senders. Keys must come from a small fixed set (endpoint and reason, never the client).
 */
public final class LogThrottle {
    private final long periodNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        long openedAt;
        long held;
    }

    public LogThrottle(Duration period) {
        this(period, System::nanoTime);
    }

    LogThrottle(Duration period, LongSupplier nanoTime) {
        this.periodNanos = period.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Whether a line for {@code key} may be logged now: if so, how many were held back since the last one logged;
     * empty when this one is held back.
     */
    public OptionalLong pass(String key) {
        Window w = windows.computeIfAbsent(key, k -> new Window());
        long now = nanoTime.getAsLong();
        synchronized (w) {
            if (w.openedAt != 0 && now - w.openedAt < periodNanos) {
                w.held++;
                return OptionalLong.empty();
            }
            long held = w.held;
            w.openedAt = now == 0 ? 1 : now;
            w.held = 0;
            return OptionalLong.of(held);
        }
    }

    /** What to append to a line that {@link #pass} let through: nothing, or how many like it were not logged. */
    public static String heldBack(long held, Duration period) {
        return held == 0
                ? ""
                : " (and " + held + " more like it in the " + period.toSeconds() + " s before, not logged)";
    }
}
