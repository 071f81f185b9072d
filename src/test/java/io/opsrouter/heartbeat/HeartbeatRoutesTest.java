package io.opsrouter.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.alert.MovableClock;
import io.opsrouter.alert.Signal;
import io.opsrouter.app.Json;
import io.opsrouter.testing.RecordingIntake;
import io.opsrouter.testing.RouterHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ping URLs, GET /api/heartbeats and the check timer, on a whole router with the shipped routes and config. */
class HeartbeatRoutesTest {
    private static final String KEY = "b4ckup0123456789abcdef0123456789";
    private static final String TOKEN = "api-token-for-tests";
    private static final Instant T0 = Instant.parse("2026-03-02T12:00:00Z");

    @TempDir
    Path home;

    private final MovableClock clock = new MovableClock(T0);
    private final RecordingIntake intake = new RecordingIntake().onlyFrom(Set.of("heartbeat", "router"));

    private RouterHarness router(int pingsPerMinute) {
        return RouterHarness.shipped(home)
                .modules(intake.modules())
                .clock(clock)
                .env("BACKUP_HEARTBEAT_KEY", KEY)
                .env("ROUTER_API_TOKEN", TOKEN)
                .setting(HeartbeatSettings.CHECK_INTERVAL, "100ms")
                .setting(HeartbeatSettings.RATE, Integer.toString(pingsPerMinute))
                .start();
    }

    private static HttpResponse<String> send(RouterHarness r, String method, String path, String body) {
        return r.send(HttpRequest.newBuilder(URI.create(r.baseUrl() + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode backupScript(RouterHarness r) throws Exception {
        HttpResponse<String> api = r.send(HttpRequest.newBuilder(URI.create(r.baseUrl() + "/api/heartbeats"))
                .header("Authorization", "Bearer " + TOKEN)
                .GET());
        assertThat(api.statusCode()).isEqualTo(200);
        for (JsonNode h : Json.MAPPER.readTree(api.body()).get("heartbeats")) {
            if (h.get("id").asText().equals("backup-script")) return h;
        }
        throw new AssertionError("no backup-script in " + api.body());
    }

    private List<Signal> jobSignals() {
        return intake.of("backup-script");
    }

    @Test
    void pingsByGetHeadAndPostAnswerOkAndMoveTheStateAndTheApiShowsIt() throws Exception {
        try (RouterHarness r = router(100)) {
            assertThat(backupScript(r).get("status").asText()).isEqualTo("new");

            HttpResponse<String> ok = send(r, "GET", "/ping/" + KEY, null);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("OK");
            JsonNode up = backupScript(r);
            assertThat(up.get("status").asText()).isEqualTo("up");
            assertThat(up.get("lastPing").asText()).isEqualTo(T0.toString());
            assertThat(up.get("nextExpected").asText())
                    .isEqualTo(T0.plus(Duration.ofDays(1)).toString());

            HttpResponse<String> head = send(r, "HEAD", "/ping/" + KEY + "/start", null);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(backupScript(r).get("status").asText()).isEqualTo("started");

            clock.advance(Duration.ofMinutes(3));
            HttpResponse<String> post = send(r, "POST", "/ping/" + KEY, "backed up 42 files\n");
            assertThat(post.statusCode()).isEqualTo(200);
            JsonNode done = backupScript(r);
            assertThat(done.get("status").asText()).isEqualTo("up");
            assertThat(done.get("lastRunSeconds").asDouble()).isEqualTo(180.0);
            assertThat(done.get("lastLog").asText()).isEqualTo("backed up 42 files\n");
            assertThat(done.get("lastLogTruncated").asBoolean()).isFalse();
            assertThat(done.toString()).doesNotContain(KEY);

            String metrics = r.get("/metrics").body();
            assertThat(metrics)
                    .contains("ops_router_heartbeat_state{heartbeat=\"backup-script\",state=\"up\"} 1.0")
                    .contains("ops_router_heartbeat_state{heartbeat=\"backup-script\",state=\"down\"} 0.0")
                    .contains("ops_router_heartbeat_last_run_duration_seconds{heartbeat=\"backup-script\"} 180.0")
                    .contains(
                            "ops_router_heartbeat_last_ping_timestamp_seconds{heartbeat=\"backup-script\"} 1.77245298E9")
                    .contains(
                            "ops_router_heartbeat_next_expected_timestamp_seconds{heartbeat=\"backup-script\"} 1.77253938E9")
                    .contains("ops_router_heartbeat_pings_total{heartbeat=\"backup-script\",kind=\"start\"} 1.0");
        }
    }

    @Test
    void aNonZeroExitStatusFiresAtOnceWithTheCutLogAndAPingAfterResolves() throws Exception {
        try (RouterHarness r = router(100)) {
            String log = "x".repeat(150_000);
            assertThat(send(r, "POST", "/ping/" + KEY + "/2", log).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> !jobSignals().isEmpty());
            Signal down = jobSignals().get(0);
            assertThat(down.state()).isEqualTo(Signal.State.FIRING);
            assertThat(down.values()).containsEntry("exit_status", 2.0);
            assertThat(down.annotations().get("summary")).contains("exited with status 2");
            JsonNode failed = backupScript(r);
            assertThat(failed.get("status").asText()).isEqualTo("down");
            assertThat(failed.get("lastLog").asText()).hasSize(100_000);
            assertThat(failed.get("lastLogTruncated").asBoolean()).isTrue();

            assertThat(send(r, "GET", "/ping/" + KEY + "/0", null).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> jobSignals().size() == 2);
            assertThat(jobSignals().get(1).state()).isEqualTo(Signal.State.RESOLVED);
        }
    }

    @Test
    void aJobThatStopsPingingGoesDownAfterPeriodPlusGraceOnTheCheckTimer() {
        try (RouterHarness r = router(100)) {
            assertThat(send(r, "GET", "/ping/" + KEY + "/fail", null).statusCode())
                    .isEqualTo(200);
            assertThat(send(r, "GET", "/ping/" + KEY, null).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> jobSignals().size() == 2);
            clock.advance(Duration.ofDays(1).plus(Duration.ofMinutes(119)));
            clock.advance(Duration.ofMinutes(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> jobSignals().size() == 3);
            Signal late = jobSignals().get(2);
            assertThat(late.state()).isEqualTo(Signal.State.FIRING);
            assertThat(late.annotations().get("summary")).contains("no ping since " + T0);
            assertThat(late.labels())
                    .containsEntry("heartbeat", "backup-script")
                    .containsEntry("service", "backups");
        }
    }

    @Test
    void anUnknownKeyIs404NamingNoKeyAndPingsAreRateLimitedPerKey() {
        try (RouterHarness r = router(3)) {
            HttpResponse<String> unknown = send(r, "GET", "/ping/nosuchkey0123456789abcdef", null);
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body())
                    .isEqualTo("not found")
                    .doesNotContain("backup")
                    .doesNotContain(KEY);
            assertThat(send(r, "GET", "/ping/" + KEY + "/999", null).statusCode())
                    .isEqualTo(400);
            for (int i = 0; i < 2; i++)
                assertThat(send(r, "GET", "/ping/" + KEY, null).statusCode()).isEqualTo(200);
            HttpResponse<String> limited = send(r, "GET", "/ping/" + KEY, null);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void theApiNeedsTheBearerToken() {
        try (RouterHarness r = router(100)) {
            assertThat(r.get("/api/heartbeats").statusCode()).isEqualTo(401);
            assertThat(r.send(HttpRequest.newBuilder(URI.create(r.baseUrl() + "/api/heartbeats"))
                                    .header("Authorization", "Bearer wrong")
                                    .GET())
                            .statusCode())
                    .isEqualTo(401);
        }
    }
}
