package io.opsrouter.alert.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.alert.lifecycle.Message.Escalate;
import io.opsrouter.alert.lifecycle.Message.Notice;
import io.opsrouter.alert.lifecycle.Message.Remind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every transition of the alert lifecycle, without a database or a clock. */
class LifecycleTest {
    static final Instant T0 = Instant.parse("2026-03-01T03:00:00Z");
    static final Escalation THREE_STEPS = new Escalation(
            List.of(Duration.ZERO, Duration.ofMinutes(1), Duration.ofMinutes(2)), Duration.ofMinutes(15));

    static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    static AlertState firing() {
        return Lifecycle.open(T0, Duration.ZERO).after();
    }

    static AlertState announced() {
        return Lifecycle.on(firing(), new Event.GroupFlush(at(30), THREE_STEPS)).after();
    }

    @Test
    void aNewAlertWithoutForFiresAndSchedulesItsGroup() {
        Transition t = Lifecycle.open(T0, Duration.ZERO);
        assertThat(t.after().status()).isEqualTo(Status.FIRING);
        assertThat(t.after().announced()).isFalse();
        assertThat(t.after().step()).isEqualTo(-1);
        assertThat(t.after().firesAt()).isEqualTo(T0);
        assertThat(t.messages()).containsExactly(Notice.SCHEDULE);
    }

    @Test
    void forCountsFromWhenTheProblemWasFirstSeenNotFromTheAlertsOpening() {
        // first failing run 50 s before the run that confirmed it: 70 s of the 2 m are left
        Transition pending = Lifecycle.open(at(50), T0, Duration.ofMinutes(2));
        assertThat(pending.after().status()).isEqualTo(Status.PENDING);
        assertThat(pending.after().firesAt()).isEqualTo(at(120));
        assertThat(pending.messages()).isEmpty();
        // confirmed after the 2 m had passed: firing at once, its group scheduled
        Transition late = Lifecycle.open(at(130), T0, Duration.ofMinutes(2));
        assertThat(late.after().status()).isEqualTo(Status.FIRING);
        assertThat(late.after().firesAt()).isEqualTo(at(130));
        assertThat(late.messages()).containsExactly(Notice.SCHEDULE);
        // a first sighting after the opening (clocks apart) counts from the opening
        assertThat(Lifecycle.open(T0, at(30), Duration.ofMinutes(2)).after().firesAt())
                .isEqualTo(at(120));
    }

    @Test
    void aNewAlertWithForIsPendingAndTellsNobody() {
        Transition t = Lifecycle.open(T0, Duration.ofMinutes(2));
        assertThat(t.after().status()).isEqualTo(Status.PENDING);
        assertThat(t.after().firesAt()).isEqualTo(at(120));
        assertThat(t.messages()).isEmpty();
    }

    @Test
    void aPendingAlertFiresOnceItsForHasPassed() {
        AlertState pending = Lifecycle.open(T0, Duration.ofMinutes(2)).after();
        assertThat(Lifecycle.on(pending, new Event.Tick(at(119), THREE_STEPS)).changed())
                .isFalse();
        Transition t = Lifecycle.on(pending, new Event.Tick(at(120), THREE_STEPS));
        assertThat(t.after().status()).isEqualTo(Status.FIRING);
        assertThat(t.after().announced()).isFalse();
        assertThat(t.messages()).containsExactly(Notice.SCHEDULE);
    }

    @Test
    void itsGroupsMessageAnnouncesItAndStartsTheEscalationClock() {
        Transition t = Lifecycle.on(firing(), new Event.GroupFlush(at(30), THREE_STEPS));
        assertThat(t.messages()).containsExactly(Notice.ANNOUNCE);
        assertThat(t.after().notifiedAt()).isEqualTo(at(30));
        assertThat(t.after().step()).isZero();
        assertThat(t.after().nextEscalationAt()).isEqualTo(at(90));
    }

    @Test
    void anAnnouncedAlertIsNotAnnouncedAgain() {
        Transition t = Lifecycle.on(announced(), new Event.GroupFlush(at(400), THREE_STEPS));
        assertThat(t.changed()).isFalse();
        assertThat(t.messages()).isEmpty();
    }

    @Test
    void aPendingAlertIsNotAnnouncedByItsGroup() {
        AlertState pending = Lifecycle.open(T0, Duration.ofMinutes(2)).after();
        assertThat(Lifecycle.on(pending, new Event.GroupFlush(at(30), THREE_STEPS))
                        .messages())
                .isEmpty();
    }

    @Test
    void mutedWhenItsGroupsMessageGoesOutItIsHeldForTheGroupsNextLook() {
        Transition t = Lifecycle.on(firing(), new Event.Muted(at(30), at(330)));
        assertThat(t.changed()).isFalse();
        assertThat(t.messages()).containsExactly(Notice.HELD);
    }

    @Test
    void mutedWhenAStepIsDueItLooksAgainLaterAndSendsNothing() {
        Transition t = Lifecycle.on(announced(), new Event.Muted(at(90), at(390)));
        assertThat(t.messages()).isEmpty();
        assertThat(t.after().nextEscalationAt()).isEqualTo(at(390));
        assertThat(t.after().step()).isZero();
    }

    @Test
    void mutingAnAcknowledgedOrPendingAlertChangesNothing() {
        AlertState acked =
                Lifecycle.on(announced(), new Event.Acknowledged(at(40), "pat")).after();
        assertThat(Lifecycle.on(acked, new Event.Muted(at(90), at(390))).changed())
                .isFalse();
        AlertState pending = Lifecycle.open(T0, Duration.ofMinutes(2)).after();
        assertThat(Lifecycle.on(pending, new Event.Muted(at(90), at(390))).messages())
                .isEmpty();
    }

    @Test
    void unacknowledgedItEscalatesStepByStepThenReminds() {
        AlertState s = announced();
        assertThat(Lifecycle.on(s, new Event.Tick(at(89), THREE_STEPS)).changed())
                .as("not yet due")
                .isFalse();

        Transition step1 = Lifecycle.on(s, new Event.Tick(at(90), THREE_STEPS));
        assertThat(step1.messages()).containsExactly(new Escalate(1));
        assertThat(step1.after().step()).isEqualTo(1);
        assertThat(step1.after().nextEscalationAt()).isEqualTo(at(210));

        Transition step2 = Lifecycle.on(step1.after(), new Event.Tick(at(210), THREE_STEPS));
        assertThat(step2.messages()).containsExactly(new Escalate(2));
        assertThat(step2.after().nextEscalationAt())
                .as("after the last step: the repeat")
                .isEqualTo(at(210 + 900));

        Transition first = Lifecycle.on(step2.after(), new Event.Tick(at(1110), THREE_STEPS));
        assertThat(first.messages()).containsExactly(new Remind(1));
        assertThat(first.after().step()).isEqualTo(2);
        assertThat(first.after().reminders()).isEqualTo(1);
        assertThat(first.after().nextEscalationAt()).isEqualTo(at(2010));

        Transition second = Lifecycle.on(first.after(), new Event.Tick(at(2010), THREE_STEPS));
        assertThat(second.messages()).containsExactly(new Remind(2));
    }

    @Test
    void aOneStepPolicyRemindsAfterItsRepeat() {
        Escalation one = new Escalation(List.of(Duration.ZERO), Duration.ofHours(1));
        AlertState s = Lifecycle.on(firing(), new Event.GroupFlush(at(30), one)).after();
        assertThat(s.nextEscalationAt()).isEqualTo(at(30 + 3600));
        assertThat(Lifecycle.on(s, new Event.Tick(at(3630), one)).messages()).containsExactly(new Remind(1));
    }

    @Test
    void acknowledgingStopsEscalationAndTellsThoseTold() {
        Transition t = Lifecycle.on(announced(), new Event.Acknowledged(at(60), "pat"));
        assertThat(t.after().status()).isEqualTo(Status.ACKNOWLEDGED);
        assertThat(t.after().ackedBy()).isEqualTo("pat");
        assertThat(t.after().ackedAt()).isEqualTo(at(60));
        assertThat(t.after().nextEscalationAt()).isNull();
        assertThat(t.messages()).containsExactly(Notice.ACKNOWLEDGED);
        assertThat(Lifecycle.on(t.after(), new Event.Tick(at(10_000), THREE_STEPS))
                        .messages())
                .isEmpty();
    }

    @Test
    void acknowledgingTwiceChangesNothing() {
        AlertState acked =
                Lifecycle.on(announced(), new Event.Acknowledged(at(60), "pat")).after();
        Transition again = Lifecycle.on(acked, new Event.Acknowledged(at(70), "sam"));
        assertThat(again.changed()).isFalse();
        assertThat(again.messages()).isEmpty();
    }

    @Test
    void acknowledgingBeforeTheAnnouncementTellsNobody() {
        Transition t = Lifecycle.on(firing(), new Event.Acknowledged(at(10), "pat"));
        assertThat(t.after().status()).isEqualTo(Status.ACKNOWLEDGED);
        assertThat(t.messages()).isEmpty();
        assertThat(Lifecycle.on(t.after(), new Event.GroupFlush(at(30), THREE_STEPS))
                        .messages())
                .isEmpty();
    }

    @Test
    void aResolveTellsThoseToldAndEndsIt() {
        Transition t = Lifecycle.on(announced(), new Event.Resolved(at(100), "probe", at(95)));
        assertThat(t.after().status()).isEqualTo(Status.RESOLVED);
        assertThat(t.after().resolvedAt()).isEqualTo(at(100));
        assertThat(t.after().resolvedBy()).isEqualTo("probe");
        assertThat(t.after().resolvedSignalAt()).isEqualTo(at(95));
        assertThat(t.after().nextEscalationAt()).isNull();
        assertThat(t.messages()).containsExactly(Notice.RESOLVED);
    }

    @Test
    void anAlertResolvedInsideGroupWaitIsNeverSent() {
        Transition t = Lifecycle.on(firing(), new Event.Resolved(at(10), "probe", at(9)));
        assertThat(t.after().status()).isEqualTo(Status.RESOLVED);
        assertThat(t.messages()).isEmpty();
        assertThat(Lifecycle.on(t.after(), new Event.GroupFlush(at(30), THREE_STEPS))
                        .messages())
                .isEmpty();
    }

    @Test
    void resolvingAnAcknowledgedAlertByHandTellsThoseTold() {
        AlertState acked =
                Lifecycle.on(announced(), new Event.Acknowledged(at(60), "pat")).after();
        Transition t = Lifecycle.on(acked, new Event.Resolved(at(70), "sam", null));
        assertThat(t.after().status()).isEqualTo(Status.RESOLVED);
        assertThat(t.after().ackedBy()).isEqualTo("pat");
        assertThat(t.after().resolvedSignalAt()).isNull();
        assertThat(t.messages()).containsExactly(Notice.RESOLVED);
    }

    @Test
    void aResolvedAlertIgnoresEverything() {
        AlertState resolved = Lifecycle.on(announced(), new Event.Resolved(at(100), "probe", at(95)))
                .after();
        List<Event> events = List.of(
                new Event.SeverityRaised(at(110)),
                new Event.Resolved(at(120), "x", null),
                new Event.Acknowledged(at(130), "pat"),
                new Event.Tick(at(10_000), THREE_STEPS),
                new Event.GroupFlush(at(140), THREE_STEPS),
                new Event.Muted(at(150), at(450)));
        for (Event e : events) {
            Transition t = Lifecycle.on(resolved, e);
            assertThat(t.changed()).as(e.toString()).isFalse();
            assertThat(t.messages()).as(e.toString()).isEmpty();
        }
    }

    @Test
    void aRaisedSeverityStartsOverUnannounced() {
        AlertState escalated =
                Lifecycle.on(announced(), new Event.Tick(at(90), THREE_STEPS)).after();
        AlertState acked =
                Lifecycle.on(escalated, new Event.Acknowledged(at(100), "pat")).after();
        for (AlertState s : List.of(escalated, acked)) {
            Transition t = Lifecycle.on(s, new Event.SeverityRaised(at(120)));
            assertThat(t.after().status()).isEqualTo(Status.FIRING);
            assertThat(t.after().announced()).isFalse();
            assertThat(t.after().step()).isEqualTo(-1);
            assertThat(t.after().reminders()).isZero();
            assertThat(t.after().nextEscalationAt()).isNull();
            assertThat(t.after().ackedAt()).isNull();
            assertThat(t.after().ackedBy()).isNull();
            assertThat(t.messages()).containsExactly(Notice.SCHEDULE);
        }
    }

    @Test
    void aRaisedSeverityLeavesAPendingAlertPending() {
        AlertState pending = Lifecycle.open(T0, Duration.ofMinutes(2)).after();
        Transition t = Lifecycle.on(pending, new Event.SeverityRaised(at(10)));
        assertThat(t.changed()).isFalse();
        assertThat(t.messages()).isEmpty();
    }

    @Test
    void onlyAMoreUrgentRankRaises() {
        assertThat(Lifecycle.raises(1, 0)).isTrue();
        assertThat(Lifecycle.raises(1, 1)).isFalse();
        assertThat(Lifecycle.raises(0, 2)).isFalse();
    }

    @Test
    void statusesMapToAndFromTheirColumn() {
        for (Status s : Status.values()) assertThat(Status.ofColumn(s.column())).isEqualTo(s);
        assertThat(Status.FIRING.column()).isEqualTo("firing");
        assertThat(Status.RESOLVED.active()).isFalse();
        assertThat(Status.ACKNOWLEDGED.active()).isTrue();
        assertThatThrownBy(() -> Status.ofColumn("FIRING"))
                .hasMessage("'FIRING' is not an alert status; use pending, firing, acknowledged or resolved");
    }
}
