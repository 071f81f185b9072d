package io.opsrouter.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opsrouter.alert.AckTokens;
import io.opsrouter.alert.AlertEngine;
import io.opsrouter.alert.AlertMeters;
import io.opsrouter.alert.AlertRules;
import io.opsrouter.alert.EscalationPolicies;
import io.opsrouter.alert.MovableClock;
import io.opsrouter.alert.Signal;
import io.opsrouter.config.Env;
import io.opsrouter.outbox.ChannelDirectory;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.probe.Monitor;
import io.opsrouter.probe.MonitorState;
import io.opsrouter.probe.MonitorsFile;
import io.opsrouter.probe.Observation;
import io.opsrouter.probe.ProbeResult;
import io.opsrouter.probe.ProbeSignals;
import io.opsrouter.store.StateStore;
import io.opsrouter.testing.RouterHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped configuration on a simulated clock: the front end starts hanging just after a good run; its runs are
 * timed as ProbeScheduler times them (interval, then retryInterval after each failing run not yet confirmed, each run
 * taking its whole timeout), the alert sweep runs every 5 s, and the first P1 SMS reaches the outbox within
 * 2 min 30 s of the failure.
 */
class TimeToPageTest {
    private static final Instant NIGHT = Instant.parse("2026-11-24T03:00:00Z");
    private static final Map<String, String> ENV = Map.of(
            "FRONTEND_URL", "https://www.example.com/",
            "ONCALL_PRIMARY_PHONE", "+15145550001",
            "ONCALL_PRIMARY_EMAIL", "primary@example.com",
            "ONCALL_SECONDARY_PHONE", "+15145550002",
            "ONCALL_SECONDARY_EMAIL", "lead@example.com");

    @TempDir
    Path dir;

    static Monitor shippedMonitor(Env env, String id) {
        return MonitorsFile.load(RouterHarness.REPO, MonitorsFile.DEFAULT_FILE, env).stream()
                .filter(m -> m.id().equals(id))
                .findFirst()
                .orElseThrow();
    }

    /** The alert engine on the shipped rules and escalation, with {@code channels} configured. */
    static AlertEngine shippedEngine(StateStore store, MovableClock clock, Env env, ChannelName... channels) {
        AlertRules rules = AlertRules.load(RouterHarness.REPO.resolve(AlertRules.FILE), env);
        EscalationPolicies policies = EscalationPolicies.load(
                RouterHarness.REPO.resolve(EscalationPolicies.FILE), env, rules.grouping()::repeatInterval);
        return new AlertEngine(
                store,
                clock,
                rules,
                policies,
                new AckTokens(
                        "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8), Duration.ofHours(24)),
                "https://ops.example.com",
                () -> ChannelDirectory.of(Set.of(channels)),
                new AlertMeters(new SimpleMeterRegistry()));
    }

    @Test
    void theFrontEndDownForTwoMinutesReachesTheOutboxWithin2m30sOfTheFailure() {
        Env env = new Env(ENV);
        Monitor frontend = shippedMonitor(env, "frontend");
        MovableClock clock = new MovableClock(NIGHT);
        try (StateStore store = StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, 4, dir)) {
            AlertEngine engine = shippedEngine(
                    store, clock, env, ChannelName.SLACK, ChannelName.EMAIL, ChannelName.SMS, ChannelName.LOG);
            MonitorState state = new MonitorState(frontend);
            // up and settled before the failure
            for (int i = 0; i < frontend.successThreshold(); i++) run(engine, state, frontend, clock.instant(), true);
            Instant failure = NIGHT.plusMillis(1); // just after a good run: the worst case
            Instant nextStart = NIGHT.plus(frontend.interval());
            Instant nextSweep = NIGHT.plusSeconds(5);
            List<String> trace = new ArrayList<>();
            Duration toOutbox = null;
            while (clock.instant().isBefore(failure.plus(Duration.ofMinutes(5)))) {
                // a hanging front end: each run ends after the timeout
                Instant runEnds = nextStart.plus(frontend.timeout());
                if (!runEnds.isAfter(nextSweep)) {
                    clock.set(runEnds);
                    run(engine, state, frontend, nextStart, false);
                    trace.add(Duration.between(failure, nextStart) + " run " + state.health());
                    nextStart = state.retrying()
                            ? runEnds.plus(frontend.retryInterval())
                            : nextStart.plus(frontend.interval());
                    if (!nextStart.isAfter(runEnds)) nextStart = runEnds;
                } else {
                    clock.set(nextSweep);
                    engine.sweep();
                    nextSweep = nextSweep.plusSeconds(5);
                }
                if (smsInOutbox(store)) {
                    toOutbox = Duration.between(failure, clock.instant());
                    break;
                }
            }
            assertThat(toOutbox).as("trace %s", trace).isNotNull();
            // 15s to the first failing run, for: 2m from it, then at most a sweep: under 2m30s
            assertThat(toOutbox).as("trace %s", trace).isLessThanOrEqualTo(Duration.ofSeconds(140));
            // and not before the rule's 2 minutes have passed since the first failing run (15 s after the failure)
            assertThat(toOutbox).isGreaterThanOrEqualTo(Duration.ofSeconds(135).minusMillis(1));
        }
    }

    @Test
    void anEmergencyCallUnprocessedForItsMinuteIsInTheOutboxWithin3sAfterThatMinute() {
        Env env = new Env(Map.of(
                "TARGET_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test",
                "ONCALL_PRIMARY_PHONE", "+15145550001"));
        Monitor p1 = shippedMonitor(env, "p1-unprocessed");
        MovableClock clock = new MovableClock(NIGHT);
        try (StateStore store = StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, 4, dir)) {
            AlertEngine engine = shippedEngine(store, clock, env, ChannelName.SMS, ChannelName.LOG);
            MonitorState state = new MonitorState(p1);
            // the query's minute ends just after a run that found nothing: the next run is one interval later
            Instant minuteEnds = NIGHT.plusMillis(1);
            clock.set(NIGHT);
            result(engine, state, p1, NIGHT, 0.0);
            Instant next = NIGHT.plus(p1.interval());
            clock.set(next.plusMillis(40)); // the count query answers
            result(engine, state, p1, next, 1.0);
            // failureThreshold 1, severity P1, P1 groupWait 0s: written with the signal, no sweep
            assertThat(smsInOutbox(store)).isTrue();
            assertThat(Duration.between(minuteEnds, clock.instant()))
                    .isLessThanOrEqualTo(Duration.ofSeconds(3).plusMillis(40));
        }
    }

    private static void result(
            AlertEngine engine, MonitorState state, Monitor m, Instant startedAt, double unprocessed) {
        Observation o = Observation.values(Duration.ofMillis(40), Map.of("unprocessed_p1", unprocessed));
        ProbeResult r = ProbeResult.of(m, startedAt, o);
        MonitorState.Step step = state.apply(r);
        if (ProbeSignals.due(step)) engine.accept(List.of(ProbeSignals.of(r, step)));
    }

    private static void run(AlertEngine engine, MonitorState state, Monitor m, Instant startedAt, boolean ok) {
        Observation o = ok
                ? new Observation(Duration.ofMillis(80), 200, "", false, Map.of(), null)
                : Observation.failed(
                        m.timeout(), "no answer after " + m.timeout().toSeconds() + "s");
        ProbeResult r = ProbeResult.of(m, startedAt, o);
        MonitorState.Step step = state.apply(r);
        if (ProbeSignals.due(step)) {
            Signal s = ProbeSignals.of(r, step);
            engine.accept(List.of(s));
        }
    }

    private static boolean smsInOutbox(StateStore store) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT count(*) FROM outbox WHERE channel = 'sms' AND kind = 'firing' AND severity = 'P1'");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        });
    }
}
