package io.opsrouter.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.alert.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MonitorStateTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final Monitor web = Monitors.one("""
            - id: web
              kind: http
              url: http://127.0.0.1:1/
              interval: 10s
              labels: {service: frontend, team: web}
              conditions: [status == 200]
              runbook: restart it
            """);

    private static ProbeResult result(Monitor m, boolean ok, int second) {
        Observation o = new Observation(Duration.ofMillis(20), ok ? 200 : 503, "", false, Map.of(), null);
        return ProbeResult.of(m, T0.plusSeconds(second), o);
    }

    @Test
    void threeFailuresMakeItDownTwoSuccessesMakeItUpAndAFailureResetsTheSuccessCount() {
        MonitorState s = new MonitorState(web);
        assertThat(s.apply(result(web, true, 0)).after()).isEqualTo(MonitorState.Health.UNKNOWN);
        assertThat(s.apply(result(web, true, 10)).after()).isEqualTo(MonitorState.Health.UP);
        assertThat(s.apply(result(web, false, 20)).after()).isEqualTo(MonitorState.Health.UP);
        assertThat(s.apply(result(web, false, 30)).after()).isEqualTo(MonitorState.Health.UP);
        MonitorState.Step third = s.apply(result(web, false, 40));
        assertThat(third.after()).isEqualTo(MonitorState.Health.DOWN);
        assertThat(third.changed()).isTrue();
        assertThat(s.apply(result(web, true, 50)).after()).isEqualTo(MonitorState.Health.DOWN);
        assertThat(s.apply(result(web, false, 60)).after()).isEqualTo(MonitorState.Health.DOWN);
        assertThat(s.apply(result(web, true, 70)).after()).isEqualTo(MonitorState.Health.DOWN);
        assertThat(s.apply(result(web, true, 80)).after()).isEqualTo(MonitorState.Health.UP);
    }

    @Test
    void forDurationHoldsTheMonitorUpUntilTheFailuresLastLongEnough() {
        Monitor slow = Monitors.one("""
                - id: slow
                  kind: http
                  url: http://127.0.0.1:1/
                  failureThreshold: 2
                  for: 60s
                  conditions: [status == 200]
                """);
        MonitorState s = new MonitorState(slow);
        s.apply(result(slow, true, 0));
        s.apply(result(slow, true, 1));
        assertThat(s.apply(result(slow, false, 10)).after()).isEqualTo(MonitorState.Health.UP);
        assertThat(s.apply(result(slow, false, 20)).after()).isEqualTo(MonitorState.Health.UP);
        assertThat(s.apply(result(slow, false, 69)).after()).isEqualTo(MonitorState.Health.UP);
        assertThat(s.apply(result(slow, false, 70)).after()).isEqualTo(MonitorState.Health.DOWN);
    }

    @Test
    void signalsOnEveryChangeAndOnEveryResultWhileDown() {
        MonitorState s = new MonitorState(web);
        List<Signal> sent = new ArrayList<>();
        boolean[] outcomes = {true, true, true, false, false, false, false, true, true, true};
        int t = 0;
        for (boolean ok : outcomes) {
            ProbeResult r = result(web, ok, t += 10);
            MonitorState.Step step = s.apply(r);
            if (ProbeSignals.due(step)) sent.add(ProbeSignals.of(r, step.after()));
        }
        // settle to UP, down after the 3rd failure, again on the 4th failure and the 1st success, then up
        assertThat(sent)
                .extracting(Signal::state)
                .containsExactly(
                        Signal.State.RESOLVED,
                        Signal.State.FIRING,
                        Signal.State.FIRING,
                        Signal.State.FIRING,
                        Signal.State.RESOLVED);
        Signal firing = sent.get(1);
        assertThat(firing.source()).isEqualTo("probe");
        assertThat(firing.name()).isEqualTo("web");
        assertThat(firing.labels())
                .containsEntry("alertname", "web")
                .containsEntry("monitor", "web")
                .containsEntry("kind", "http")
                .containsEntry("service", "frontend")
                .containsEntry("team", "web");
        assertThat(firing.values())
                .containsEntry("success", 0.0)
                .containsEntry("status_code", 503.0)
                .containsKey("latency_seconds");
        assertThat(firing.annotations())
                .containsEntry("summary", "web is down: status == 200 (got 503)")
                .containsEntry("detail", "status == 200 (got 503)")
                .containsEntry("runbook", "restart it");
        assertThat(firing.severity()).isNull();
        assertThat(sent.get(4).annotations()).containsEntry("summary", "web is up");
    }

    @Test
    void theFiringSignalCarriesTheFirstFailingRunSoARulesForCountsFromThere() {
        MonitorState s = new MonitorState(web);
        s.apply(result(web, true, 0));
        s.apply(result(web, true, 10));
        assertThat(s.retrying()).isFalse();
        s.apply(result(web, false, 20));
        assertThat(s.retrying())
                .as("failing, not yet confirmed: re-checked at retryInterval")
                .isTrue();
        s.apply(result(web, false, 30));
        ProbeResult third = result(web, false, 40);
        MonitorState.Step down = s.apply(third);
        assertThat(down.after()).isEqualTo(MonitorState.Health.DOWN);
        assertThat(s.retrying()).as("confirmed down: back to its interval").isFalse();
        Signal firing = ProbeSignals.of(third, down);
        assertThat(firing.at()).isEqualTo(T0.plusSeconds(40));
        assertThat(firing.since()).isEqualTo(T0.plusSeconds(20));
        // a success resets it; the RESOLVED signal carries its own time
        ProbeResult ok = result(web, true, 50);
        MonitorState.Step up = s.apply(ok);
        assertThat(up.failingSince()).isNull();
        assertThat(ProbeSignals.of(ok, up).since()).isEqualTo(T0.plusSeconds(50));
    }
}
