package io.opsrouter.heartbeat;

import java.time.Duration;
import java.time.Instant;

/**
 * What is known about one heartbeat: its last ping, a run in progress, the last run's duration, and whether the
 * last finished run failed. Pure: pings make a new state ({@link #after}), and the status at any instant follows
 * from the state, the schedule and the grace ({@link #status}), as healthchecks.io computes it:
 * <ul>
 *   <li>NEW: never pinged (never goes down);</li>
 *   <li>DOWN: the last run failed ({@code /fail} or a non-zero exit status), or the deadline passed: the next
 *       expected ping plus grace, or for a run in progress its start plus grace (a run too long);</li>
 *   <li>STARTED: a run is in progress and within its grace;</li>
 *   <li>LATE: the next expected ping is overdue but within grace;</li>
 *   <li>UP: otherwise.</li>
 * </ul>
 *
 * @param lastPing   the last ping of any kind, or null
 * @param lastSuccessOrFail the last ping that ended a run (success or failure), or null
 * @param runStarted the {@code /start} of a run not yet finished, or null
 * @param failed     the last finished run failed
 * @param exitStatus the last exit status reported, or null
 * @param lastRun    the duration of the last run measured from its {@code /start}, or null
 */
public record HeartbeatState(
        Instant lastPing,
        Instant lastSuccessOrFail,
        Instant runStarted,
        boolean failed,
        Integer exitStatus,
        Duration lastRun) {

    public enum Status {
        NEW,
        UP,
        STARTED,
        LATE,
        DOWN
    }

    public static final HeartbeatState NEW = new HeartbeatState(null, null, null, false, null, null);

    public HeartbeatState after(Ping ping, Instant at) {
        if (!ping.finishes()) return new HeartbeatState(at, lastSuccessOrFail, at, failed, exitStatus, lastRun);
        Duration run = runStarted != null && !at.isBefore(runStarted) ? Duration.between(runStarted, at) : lastRun;
        return new HeartbeatState(at, at, null, ping.kind() == Ping.Kind.FAIL, ping.exitStatus(), run);
    }

    /** When the next ping is expected; null while NEW. */
    public Instant nextExpected(Schedule schedule) {
        if (lastPing == null) return null;
        Instant from = lastSuccessOrFail != null ? lastSuccessOrFail : lastPing;
        Instant next = schedule.nextAfter(from);
        return runStarted != null && runStarted.isBefore(next) ? runStarted : next;
    }

    /** When it goes down without another ping; null while NEW or after a failure. */
    public Instant downAt(Schedule schedule, Duration grace) {
        Instant next = nextExpected(schedule);
        if (next == null || failed && runStarted == null) return null;
        return next == Instant.MAX ? Instant.MAX : next.plus(grace);
    }

    public Status status(Schedule schedule, Duration grace, Instant now) {
        if (lastPing == null) return Status.NEW;
        if (failed && runStarted == null) return Status.DOWN;
        Instant down = downAt(schedule, grace);
        if (!now.isBefore(down)) return Status.DOWN;
        if (runStarted != null) return Status.STARTED;
        if (!now.isBefore(nextExpected(schedule))) return Status.LATE;
        return Status.UP;
    }

    /** How long the run in progress has been running, or null. */
    public Duration running(Instant now) {
        return runStarted == null ? null : Duration.between(runStarted, now);
    }
}
