package io.opsrouter.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.alert.MovableClock;
import io.opsrouter.alert.Severity;
import io.opsrouter.alert.Signal;
import io.opsrouter.testing.RecordingIntake;
import io.opsrouter.testing.RouterHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alertmanager's dead man's switch through the real webhook door: the Watchdog never reaches the alert pipeline,
 * its absence for period + grace is a P1 naming the sender, and its return resolves it.
 */
class DeadMansSwitchTest {
    private static final Instant T0 = Instant.parse("2026-03-02T12:00:00Z");

    @TempDir
    Path home;

    private final MovableClock clock = new MovableClock(T0);
    private final RecordingIntake intake = new RecordingIntake();

    private static String webhook(String prometheus, String alertname, String status) {
        return """
                {"version": "4", "status": "%3$s", "receiver": "ops-router", "groupKey": "{}:{alertname=\\"%2$s\\"}",
                 "alerts": [{"status": "%3$s",
                   "labels": {"alertname": "%2$s", "prometheus": "%1$s", "severity": "info"},
                   "annotations": {"summary": "always firing"},
                   "startsAt": "2026-03-02T11:00:00Z", "endsAt": "0001-01-01T00:00:00Z"}]}
                """.formatted(prometheus, alertname, status);
    }

    private static HttpResponse<String> post(RouterHarness r, String body) {
        return r.send(HttpRequest.newBuilder(URI.create(r.baseUrl() + "/webhooks/alertmanager"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The pipeline alerts raised (the first look after a start also resolves, as probes do: those are left out). */
    private List<Signal> broken() {
        return intake.of(HeartbeatSignals.PIPELINE_BROKEN).stream()
                .filter(Signal::firing)
                .toList();
    }

    private List<Signal> resolved() {
        return intake.of(HeartbeatSignals.PIPELINE_BROKEN).stream()
                .filter(s -> !s.firing())
                .toList();
    }

    /** Runs the check now, as the timer does, so that "not yet" is asserted without waiting. */
    private static void check(RouterHarness r) {
        r.app()
                .camel()
                .getRegistry()
                .lookupByNameAndType(DeadMansSwitch.BEAN, DeadMansSwitch.class)
                .check();
    }

    @Test
    void theWatchdogStoppingPagesNamingTheSenderAndItsReturnResolves() {
        try (RouterHarness r = RouterHarness.shipped(home)
                .modules(intake.modules())
                .clock(clock)
                .setting(HeartbeatSettings.CHECK_INTERVAL, "100ms")
                .setting(HeartbeatSettings.WATCHDOG_PERIOD, "1m")
                .setting(HeartbeatSettings.WATCHDOG_GRACE, "2m")
                .start()) {
            assertThat(post(r, webhook("main", "Watchdog", "firing")).statusCode())
                    .isEqualTo(200);
            assertThat(post(r, webhook("main", "SupabaseDown", "firing")).statusCode())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !intake.of("SupabaseDown").isEmpty());
            assertThat(intake.of("Watchdog")).as("the Watchdog never pages").isEmpty();

            clock.advance(Duration.ofMinutes(2).plusSeconds(59));
            check(r);
            assertThat(broken()).as("within period + grace").isEmpty();

            clock.advance(Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> !broken().isEmpty());
            Signal p1 = broken().get(0);
            assertThat(p1.state()).isEqualTo(Signal.State.FIRING);
            assertThat(p1.severity()).isEqualTo(Severity.P1);
            assertThat(p1.labels()).containsEntry("sender", "prometheus=main");
            assertThat(p1.annotations().get("summary"))
                    .startsWith("The alerting pipeline is broken: no Watchdog alert from prometheus=main");

            // a resolved Watchdog (Alertmanager's resolve_timeout after Prometheus died) is not an arrival
            assertThat(post(r, webhook("main", "Watchdog", "resolved")).statusCode())
                    .isEqualTo(200);
            assertThat(intake.of("Watchdog")).isEmpty();
            assertThat(broken()).hasSize(1);

            int resolvedBefore = resolved().size();
            assertThat(post(r, webhook("main", "Watchdog", "firing")).statusCode())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> resolved().size() == resolvedBefore + 1);
            assertThat(resolved().get(resolvedBefore).labels()).containsEntry("sender", "prometheus=main");
            assertThat(intake.of("Watchdog")).isEmpty();
        }
    }

    @Test
    void eachSenderIsItsOwnHeartbeat() {
        try (RouterHarness r = RouterHarness.shipped(home)
                .modules(intake.modules())
                .clock(clock)
                .setting(HeartbeatSettings.CHECK_INTERVAL, "100ms")
                .setting(HeartbeatSettings.WATCHDOG_PERIOD, "1m")
                .setting(HeartbeatSettings.WATCHDOG_GRACE, "1m")
                .start()) {
            assertThat(post(r, webhook("eu", "Watchdog", "firing")).statusCode())
                    .isEqualTo(200);
            assertThat(post(r, webhook("us", "Watchdog", "firing")).statusCode())
                    .isEqualTo(200);
            clock.advance(Duration.ofSeconds(90));
            HttpResponse<String> again = post(r, webhook("us", "Watchdog", "firing"));
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            clock.advance(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(10)).until(() -> !broken().isEmpty());
            check(r);
            assertThat(broken()).extracting(s -> s.labels().get("sender")).containsExactly("prometheus=eu");
        }
    }
}
