package io.opsrouter.alert.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The timing of an escalation policy: how long after the previous step each step comes (the first step's delay is
 * not used: it goes out with the group's message), and how often a reminder repeats after the last.
 */
public record Escalation(List<Duration> delays, Duration repeat) {
    public Escalation {
        if (delays.isEmpty()) throw new IllegalArgumentException("an escalation policy needs at least one step");
        delays = List.copyOf(delays);
    }

    public int steps() {
        return delays.size();
    }

    /** When the step after {@code step} is due, or the first reminder after the last step. */
    public Instant nextAt(int step, Instant now) {
        return step + 1 < delays.size() ? now.plus(delays.get(step + 1)) : now.plus(repeat);
    }
}
