package io.opsrouter.alert.lifecycle;

import java.time.Instant;

/**
 * The part of an alert its lifecycle decides: status, when it was announced, where it is in its escalation policy,
 * and who acknowledged or resolved it. Immutable; {@link Lifecycle#on} returns a new one.
 *
 * @param firesAt          when a pending alert starts firing (its rule's {@code for} has passed)
 * @param notifiedAt       when its group's message announced it; null while not announced
 * @param step             the escalation policy step last sent; -1 before the announcement
 * @param reminders        reminders sent after the last step
 * @param nextEscalationAt when the next step or reminder is due; null when nothing is due
 * @param resolvedSignalAt the time the RESOLVED signal itself carried (a later copy of an earlier FIRING is ignored)
 */
public record AlertState(
        Status status,
        Instant firesAt,
        Instant notifiedAt,
        int step,
        int reminders,
        Instant nextEscalationAt,
        Instant ackedAt,
        String ackedBy,
        Instant resolvedAt,
        String resolvedBy,
        Instant resolvedSignalAt) {

    /** Announced by its group's message: the people told hear its acknowledgement and resolution. */
    public boolean announced() {
        return notifiedAt != null;
    }

    AlertState withStatus(Status s) {
        return new AlertState(
                s,
                firesAt,
                notifiedAt,
                step,
                reminders,
                nextEscalationAt,
                ackedAt,
                ackedBy,
                resolvedAt,
                resolvedBy,
                resolvedSignalAt);
    }

    AlertState withEscalation(Instant notified, int stepNow, int remindersNow, Instant next) {
        return new AlertState(
                status,
                firesAt,
                notified,
                stepNow,
                remindersNow,
                next,
                ackedAt,
                ackedBy,
                resolvedAt,
                resolvedBy,
                resolvedSignalAt);
    }
}
