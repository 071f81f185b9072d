package io.opsrouter.probe;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a monitor is up, down or not yet known, with Gatus' thresholds: {@code failureThreshold} failures in a
 * row (lasting at least {@code for}) make it DOWN, {@code successThreshold} successes in a row make it UP; a
 * failure resets the success count and a success resets the failure count. A new monitor starts UNKNOWN and
 * settles with the same thresholds.
 */
public final class MonitorState {
    public enum Health {
        UNKNOWN,
        UP,
        DOWN
    }

    /**
     * What one result did: the health before and after, and since when the monitor has been failing (its first
     * failing run in a row; null after a success).
     */
    public record Step(Health before, Health after, Instant failingSince) {
        public Step(Health before, Health after) {
            this(before, after, null);
        }

        public boolean changed() {
            return before != after;
        }
    }

    private final Monitor monitor;
    private Health health = Health.UNKNOWN;
    private int failures;
    private int successes;
    private Instant failingSince;
    private Instant changedAt;
    private ProbeResult last;

    public MonitorState(Monitor monitor) {
        this.monitor = monitor;
    }

    public synchronized Step apply(ProbeResult r) {
        Health before = health;
        last = r.withoutBody();
        if (r.success()) {
            successes++;
            failures = 0;
            failingSince = null;
            if (health != Health.UP && successes >= monitor.successThreshold()) health = Health.UP;
        } else {
            failures++;
            successes = 0;
            if (failingSince == null) failingSince = r.at();
            boolean lastedLongEnough = !Duration.between(failingSince, r.at())
                    .minus(monitor.forDuration())
                    .isNegative();
            if (health != Health.DOWN && failures >= monitor.failureThreshold() && lastedLongEnough)
                health = Health.DOWN;
        }
        if (health != before) changedAt = r.at();
        return new Step(before, health, failingSince);
    }

    public synchronized Health health() {
        return health;
    }

    public synchronized ProbeResult last() {
        return last;
    }

    public synchronized int failures() {
        return failures;
    }

    public synchronized int successes() {
        return successes;
    }

    /** The start of the first failing run of the failures in a row, or null when the last run passed. */
    public synchronized Instant failingSince() {
        return failingSince;
    }

    /**
     * Whether the monitor is failing but not confirmed down yet (failures in a row below the threshold, or not yet
     * for its {@code for}): then it is re-checked at its {@code retryInterval}. A monitor down keeps its interval.
     */
    public synchronized boolean retrying() {
        return failures > 0 && health != Health.DOWN;
    }

    public synchronized Instant changedAt() {
        return changedAt;
    }

    public Monitor monitor() {
        return monitor;
    }
}
