package io.opsrouter.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.alert.MovableClock;
import io.opsrouter.alert.Severity;
import io.opsrouter.alert.Signal;
import io.opsrouter.app.HealthPart;
import io.opsrouter.testing.RouterHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The router's own schedules check in; one that stops is a P1 and makes /health not ready. */
class ScheduleBeatsTest {
    private static final Instant T0 = Instant.parse("2026-03-02T12:00:00Z");

    @TempDir
    Path home;

    @Test
    void aScheduleThatStopsBeatingIsStalledAfterPeriodPlusGraceAndResolvesWhenItBeatsAgain() {
        MovableClock clock = new MovableClock(T0);
        List<Signal> out = new CopyOnWriteArrayList<>();
        ScheduleBeats beats = new ScheduleBeats(
                Map.of("alerts-sweep", Duration.ofSeconds(5)),
                Duration.ofMinutes(1),
                Duration.ofMinutes(2),
                clock,
                out::add);
        beats.beat("alerts-sweep");
        beats.beat("backup-watch");
        beats.check();
        assertThat(out).extracting(Signal::state).containsOnly(Signal.State.RESOLVED);
        out.clear();

        clock.advance(Duration.ofSeconds(124));
        beats.beat("backup-watch");
        beats.check();
        assertThat(out).isEmpty();
        assertThat(beats.stalled()).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        beats.check();
        assertThat(out).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(Signal.State.FIRING);
            assertThat(s.severity()).isEqualTo(Severity.P1);
            assertThat(s.labels())
                    .containsEntry("alertname", "RouterScheduleStalled")
                    .containsEntry("schedule", "alerts-sweep");
            assertThat(s.annotations().get("summary")).contains("alerts-sweep has not run since " + T0);
        });
        assertThat(beats.stalled()).containsExactly("alerts-sweep");
        beats.check();
        assertThat(out).hasSize(1);

        beats.beat("alerts-sweep");
        beats.check();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).state()).isEqualTo(Signal.State.RESOLVED);
        assertThat(beats.stalled()).isEmpty();
    }

    @Test
    void theSweepTheBackupSchedulerAndTheProbeSchedulerBeatInARunningRouterAndAStallMakesHealthNotReady()
            throws Exception {
        MovableClock clock = new MovableClock(T0);
        try (RouterHarness r = RouterHarness.shipped(home)
                .clock(clock)
                .setting("alerts.sweep-period-ms", "200")
                .start()) {
            ScheduleBeats beats =
                    r.app().camel().getRegistry().lookupByNameAndType(ScheduleBeats.BEAN, ScheduleBeats.class);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> beats.lastBeats()
                            .keySet()
                            .containsAll(List.of("alerts-sweep", ScheduleBeats.PROBE_SCHEDULER)));
            assertThat(r.app().camel().getRoute("backup-scheduler")).isNotNull();

            // a stalled sweep: its route stopped, while the clock moves on
            r.app().camel().getRouteController().stopRoute("alerts-sweep");
            clock.advance(Duration.ofMinutes(3));
            await().atMost(Duration.ofSeconds(20)).until(() -> beats.stalled().contains("alerts-sweep"));
            HealthPart part = r.app().context().health().check().stream()
                    .filter(p -> p.name().equals("schedules"))
                    .findFirst()
                    .orElseThrow();
            assertThat(part.up()).isFalse();
            assertThat(part.detail()).contains("alerts-sweep");
        }
    }
}
