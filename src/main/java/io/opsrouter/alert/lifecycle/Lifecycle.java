package io.opsrouter.alert.lifecycle;

import io.opsrouter.alert.lifecycle.Event.Acknowledged;
import io.opsrouter.alert.lifecycle.Event.GroupFlush;
import io.opsrouter.alert.lifecycle.Event.Muted;
import io.opsrouter.alert.lifecycle.Event.Resolved;
import io.opsrouter.alert.lifecycle.Event.SeverityRaised;
import io.opsrouter.alert.lifecycle.Event.Tick;
import io.opsrouter.alert.lifecycle.Message.Notice;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The alert lifecycle as a state machine: an alert's {@link AlertState} and an {@link Event} in, the new state and the
 * {@link Message messages} to send out. No database, clock or Camel: the services around it read and lock the
 * alerts, feed it what happened, and write back what it returns in the same transaction.
 *
 * <pre>
 *   open ──for─▶ PENDING ──Tick (for passed)──▶ FIRING, not announced ──GroupFlush──▶ FIRING, announced
 *                                                    │ Muted: HELD                       │ Tick: Escalate(n) … Remind(n)
 *                                                    │                                   │ Muted: look again later
 *   Acknowledged (not resolved) ─▶ ACKNOWLEDGED: escalation stops; everyone told hears it
 *   Resolved ─▶ RESOLVED (terminal): everyone told hears it; an alert nobody was told about is never sent
 *   SeverityRaised (not pending) ─▶ FIRING, not announced, under the new severity's policy
 * </pre>
 */
public final class Lifecycle {
    private Lifecycle() {}

    /** A new alert: pending while its rule's {@code for} runs, otherwise firing and waiting for its group's message. */
    public static Transition open(Instant now, Duration forDuration) {
        return open(now, now, forDuration);
    }

    /**
     * A new alert whose problem was first seen at {@code since} (a monitor's first failing run): its rule's
     * {@code for} counts from then, so an alert whose problem has lasted that long already fires at once.
     */
    public static Transition open(Instant now, Instant since, Duration forDuration) {
        Instant firesAt = (since.isAfter(now) ? now : since).plus(forDuration);
        boolean pending = firesAt.isAfter(now);
        AlertState s = new AlertState(
                pending ? Status.PENDING : Status.FIRING,
                pending ? firesAt : now,
                null,
                -1,
                0,
                null,
                null,
                null,
                null,
                null,
                null);
        return new Transition(s, s, pending ? List.of() : List.of(Notice.SCHEDULE));
    }

    public static Transition on(AlertState s, Event e) {
        if (s.status() == Status.RESOLVED) return same(s);
        if (e instanceof SeverityRaised) return raised(s);
        if (e instanceof Resolved r) {
            return new Transition(
                    s,
                    new AlertState(
                            Status.RESOLVED,
                            s.firesAt(),
                            s.notifiedAt(),
                            s.step(),
                            s.reminders(),
                            null,
                            s.ackedAt(),
                            s.ackedBy(),
                            r.at(),
                            r.by(),
                            r.signalAt()),
                    toldOf(s, Notice.RESOLVED));
        }
        if (e instanceof Acknowledged a) {
            if (s.status() == Status.ACKNOWLEDGED) return same(s);
            return new Transition(
                    s,
                    new AlertState(
                            Status.ACKNOWLEDGED,
                            s.firesAt(),
                            s.notifiedAt(),
                            s.step(),
                            s.reminders(),
                            null,
                            a.at(),
                            a.by(),
                            s.resolvedAt(),
                            s.resolvedBy(),
                            s.resolvedSignalAt()),
                    toldOf(s, Notice.ACKNOWLEDGED));
        }
        if (e instanceof Tick t) return tick(s, t);
        if (e instanceof GroupFlush f) {
            if (s.status() != Status.FIRING || s.announced()) return same(s);
            return new Transition(
                    s,
                    s.withEscalation(f.now(), 0, s.reminders(), f.policy().nextAt(0, f.now())),
                    List.of(Notice.ANNOUNCE));
        }
        Muted m = (Muted) e;
        if (s.status() != Status.FIRING) return same(s);
        if (!s.announced()) return new Transition(s, s, List.of(Notice.HELD));
        return new Transition(s, s.withEscalation(s.notifiedAt(), s.step(), s.reminders(), m.recheckAt()), List.of());
    }

    /**
     * Whether a repeated FIRING of {@code seen} severity changes an alert of {@code current} severity, given as their
     * ranks (lower is more urgent). The intake asks this before it locks anything: a plain repeat locks nothing.
     */
    public static boolean raises(int currentRank, int seenRank) {
        return seenRank < currentRank;
    }

    private static Transition raised(AlertState s) {
        if (s.status() == Status.PENDING) return same(s);
        AlertState fresh = new AlertState(
                Status.FIRING,
                s.firesAt(),
                null,
                -1,
                0,
                null,
                null,
                null,
                s.resolvedAt(),
                s.resolvedBy(),
                s.resolvedSignalAt());
        return new Transition(s, fresh, List.of(Notice.SCHEDULE));
    }

    private static Transition tick(AlertState s, Tick t) {
        Instant now = t.now();
        if (s.status() == Status.PENDING) {
            return now.isBefore(s.firesAt())
                    ? same(s)
                    : new Transition(s, s.withStatus(Status.FIRING), List.of(Notice.SCHEDULE));
        }
        if (s.status() != Status.FIRING
                || !s.announced()
                || s.nextEscalationAt() == null
                || now.isBefore(s.nextEscalationAt())) {
            return same(s);
        }
        int next = s.step() + 1;
        if (next < t.policy().steps()) {
            return new Transition(
                    s,
                    s.withEscalation(
                            s.notifiedAt(), next, s.reminders(), t.policy().nextAt(next, now)),
                    List.of(new Message.Escalate(next)));
        }
        int reminder = s.reminders() + 1;
        return new Transition(
                s,
                s.withEscalation(
                        s.notifiedAt(), s.step(), reminder, now.plus(t.policy().repeat())),
                List.of(new Message.Remind(reminder)));
    }

    /** Acknowledged and resolved notices go only to those told: an alert never announced is never sent. */
    private static List<Message> toldOf(AlertState s, Notice notice) {
        return s.announced() ? List.of(notice) : List.of();
    }

    private static Transition same(AlertState s) {
        return new Transition(s, s, List.of());
    }
}
