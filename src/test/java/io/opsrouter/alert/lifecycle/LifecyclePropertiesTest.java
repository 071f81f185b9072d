package io.opsrouter.alert.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.alert.lifecycle.Message.Escalate;
import io.opsrouter.alert.lifecycle.Message.Notice;
import io.opsrouter.alert.lifecycle.Message.Remind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated histories of one alert (ticks of the clock, group messages, mutes, acknowledgements, resolves by signal
 * and by hand, raised severities, in any order, with time moving forward) against what the lifecycle promises.
 */
class LifecyclePropertiesTest {
    static final Instant T0 = Instant.parse("2026-03-01T03:00:00Z");

    enum Kind {
        TICK,
        FLUSH,
        MUTED,
        ACK,
        RESOLVE_SIGNAL,
        RESOLVE_BY_HAND,
        RAISE
    }

    /** One generated event before the clock is attached: its kind and how far time moved before it. */
    record Step(Kind kind, int secondsLater) {}

    record History(Duration forDuration, Escalation policy, List<Step> steps) {}

    /** One history played through the machine: the events and the transitions they made, in order. */
    record Run(Transition opened, List<Event> events, List<Transition> transitions) {
        List<Message> all() {
            List<Message> out = new ArrayList<>(opened.messages());
            transitions.forEach(t -> out.addAll(t.messages()));
            return out;
        }
    }

    @Provide
    Arbitrary<History> histories() {
        Arbitrary<Duration> forDuration = Arbitraries.of(Duration.ZERO, Duration.ZERO, Duration.ofMinutes(2));
        Arbitrary<Escalation> policy = Arbitraries.integers()
                .between(1, 600)
                .list()
                .ofMinSize(1)
                .ofMaxSize(4)
                .map(ds -> new Escalation(ds.stream().map(Duration::ofSeconds).toList(), Duration.ofMinutes(15)));
        Arbitrary<Step> step = Combinators.combine(
                        Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 1200))
                .as(Step::new);
        return Combinators.combine(forDuration, policy, step.list().ofMaxSize(40))
                .as(History::new);
    }

    static Run play(History h) {
        Transition opened = Lifecycle.open(T0, h.forDuration());
        AlertState s = opened.after();
        Instant now = T0;
        List<Event> events = new ArrayList<>();
        List<Transition> transitions = new ArrayList<>();
        for (Step st : h.steps()) {
            now = now.plusSeconds(st.secondsLater());
            Event e = switch (st.kind()) {
                case TICK -> new Event.Tick(now, h.policy());
                case FLUSH -> new Event.GroupFlush(now, h.policy());
                case MUTED -> new Event.Muted(now, now.plusSeconds(300));
                case ACK -> new Event.Acknowledged(now, "pat");
                case RESOLVE_SIGNAL -> new Event.Resolved(now, "probe", now.minusSeconds(1));
                case RESOLVE_BY_HAND -> new Event.Resolved(now, "sam", null);
                case RAISE -> new Event.SeverityRaised(now);
            };
            Transition t = Lifecycle.on(s, e);
            assertThat(t.before()).isEqualTo(s);
            events.add(e);
            transitions.add(t);
            s = t.after();
        }
        return new Run(opened, events, transitions);
    }

    @Property
    void aResolveIsNeverSentForAnAlertNeverAnnounced(@ForAll("histories") History h) {
        boolean announced = false;
        for (Message m : play(h).all()) {
            if (m == Notice.ANNOUNCE) announced = true;
            if (m == Notice.RESOLVED || m == Notice.ACKNOWLEDGED)
                assertThat(announced).as("a notice before any announcement").isTrue();
        }
    }

    @Property
    void anAcknowledgedAlertNeverEscalatesNorIsAnnounced(@ForAll("histories") History h) {
        for (Transition t : play(h).transitions()) {
            if (t.before().status() != Status.ACKNOWLEDGED) continue;
            assertThat(t.messages())
                    .noneMatch(m -> m instanceof Escalate || m instanceof Remind || m == Notice.ANNOUNCE);
            assertThat(t.after().nextEscalationAt()).isNull();
        }
    }

    @Property
    void nothingIsAnnouncedTwiceUnderOneSeverity(@ForAll("histories") History h) {
        int announcements = 0;
        for (Transition t : play(h).transitions()) {
            if (t.messages().contains(Notice.SCHEDULE) && t.before().status() != Status.PENDING)
                announcements = 0; // raised: starts over
            if (t.messages().contains(Notice.ANNOUNCE)) {
                announcements++;
                assertThat(t.before().announced()).isFalse();
            }
            assertThat(announcements).isLessThanOrEqualTo(1);
        }
    }

    @Property
    void anAlertResolvedBeforeItsGroupsMessageIsNeverSent(@ForAll("histories") History h) {
        Run run = play(h);
        boolean flushed = false;
        for (int i = 0; i < run.events().size(); i++) {
            Event e = run.events().get(i);
            if (e instanceof Event.GroupFlush) flushed = true;
            if (e instanceof Event.Resolved && !flushed) {
                for (Transition t :
                        run.transitions().subList(i, run.transitions().size()))
                    assertThat(t.messages()).isEmpty();
                return;
            }
        }
    }

    @Property
    void aResolvedAlertStaysResolvedAndSilent(@ForAll("histories") History h) {
        for (Transition t : play(h).transitions()) {
            if (t.before().status() != Status.RESOLVED) continue;
            assertThat(t.after()).isEqualTo(t.before());
            assertThat(t.messages()).isEmpty();
        }
    }

    @Property
    void nobodyIsToldWhilePendingAndOnlyTheClockStartsIt(@ForAll("histories") History h) {
        Run run = play(h);
        if (run.opened().after().status() == Status.PENDING)
            assertThat(run.opened().messages()).isEmpty();
        for (int i = 0; i < run.transitions().size(); i++) {
            Transition t = run.transitions().get(i);
            if (t.before().status() != Status.PENDING) continue;
            assertThat(t.messages()).allMatch(m -> m == Notice.SCHEDULE);
            if (t.after().status() == Status.FIRING) {
                assertThat(run.events().get(i)).isInstanceOf(Event.Tick.class);
                assertThat(((Event.Tick) run.events().get(i)).now())
                        .isAfterOrEqualTo(t.before().firesAt());
            }
        }
    }

    @Property
    void stepsGoOneAtATimeAndRemindersOnlyAfterTheLast(@ForAll("histories") History h) {
        for (Transition t : play(h).transitions()) {
            for (Message m : t.messages()) {
                if (m instanceof Escalate esc) {
                    assertThat(t.before().announced()).isTrue();
                    assertThat(esc.step())
                            .isEqualTo(t.before().step() + 1)
                            .isLessThan(h.policy().steps());
                    assertThat(t.after().step()).isEqualTo(esc.step());
                }
                if (m instanceof Remind r) {
                    assertThat(t.before().step()).isEqualTo(h.policy().steps() - 1);
                    assertThat(r.number()).isEqualTo(t.before().reminders() + 1);
                }
            }
        }
    }

    @Property
    void nothingEscalatesBeforeItIsDue(@ForAll("histories") History h) {
        Run run = play(h);
        for (int i = 0; i < run.transitions().size(); i++) {
            Transition t = run.transitions().get(i);
            if (t.messages().stream().anyMatch(m -> m instanceof Escalate || m instanceof Remind)) {
                assertThat(run.events().get(i)).isInstanceOf(Event.Tick.class);
                assertThat(((Event.Tick) run.events().get(i)).now())
                        .isAfterOrEqualTo(t.before().nextEscalationAt());
            }
        }
    }

    @Property
    void exactlyAFiringAnnouncedAlertHasANextStepDue(@ForAll("histories") History h) {
        for (Transition t : play(h).transitions()) {
            AlertState s = t.after();
            boolean escalating = s.status() == Status.FIRING && s.announced();
            assertThat(s.nextEscalationAt() != null).as(s.toString()).isEqualTo(escalating);
        }
    }
}
