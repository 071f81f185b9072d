package io.opsrouter.alert.lifecycle;

import java.time.Instant;

/** What can happen to an alert. Each carries the moment it happened; the state machine reads no clock. */
public sealed interface Event {
    /**
     * The alert fired again with a more urgent severity than it has: it starts over under the new severity's policy
     * (unless still pending). Which severity is more urgent is the classifier's business, not the lifecycle's.
     */
    record SeverityRaised(Instant at) implements Event {}

    /**
     * A RESOLVED signal (with the time it carried) or a person ({@code signalAt} null) resolved it.
     */
    record Resolved(Instant at, String by, Instant signalAt) implements Event {}

    /** A person acknowledged it. */
    record Acknowledged(Instant at, String by) implements Event {}

    /** The clock: a pending alert whose {@code for} has passed starts firing; a due step or reminder goes out. */
    record Tick(Instant now, Escalation policy) implements Event {}

    /** Its group's message goes out now (group_wait or group_interval has passed). */
    record GroupFlush(Instant now, Escalation policy) implements Event {}

    /**
     * A silence, a maintenance window or an inhibition matches when it would be announced or escalated: it is held
     * back, and an announced alert looks again at {@code recheckAt}.
     */
    record Muted(Instant now, Instant recheckAt) implements Event {}
}
