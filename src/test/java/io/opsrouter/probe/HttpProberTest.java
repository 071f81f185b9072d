package io.opsrouter.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpProberTest {
    private TestHttpServer server;
    private ProbeRunner runner;

    @BeforeEach
    void start() throws Exception {
        server = new TestHttpServer();
        runner = new ProbeRunner(4, Clock.systemUTC(), null, HttpProber.DEFAULT_BODY_LIMIT);
    }

    @AfterEach
    void stop() {
        runner.close();
        server.close();
    }

    private ProbeResult run(String path, String timeout, String... conditions) {
        return run(path, timeout, Map.of(), conditions);
    }

    private ProbeResult run(String path, String timeout, Map<String, String> env, String... conditions) {
        StringBuilder yaml = new StringBuilder(
                "- id: web\n  kind: http\n  url: " + server.url(path) + "\n  timeout: " + timeout + "\n");
        yaml.append("  headers:\n    X-Api-Key: ${API_KEY:-none}\n");
        yaml.append("  conditions:\n");
        for (String c : conditions)
            yaml.append("    - '").append(c.replace("'", "''")).append("'\n");
        return runner.run(Monitors.one(yaml.toString(), env)).join();
    }

    @Test
    void healthyEndpointPassesStatusLatencyAndJsonConditions() {
        ProbeResult r = run(
                "/ok",
                "2s",
                Map.of("API_KEY", "k-123"),
                "status == 200",
                "latency < 2s",
                "body.$.status == \"ok\"",
                "body.$.count == 3",
                "body contains \"status\"");
        assertThat(r.success()).as(r.detail()).isTrue();
        assertThat(r.detail()).isEqualTo("ok");
        assertThat(r.values()).containsEntry("success", 1.0).containsEntry("status_code", 200.0);
        assertThat(server.lastHeaders)
                .containsEntry("x-api-key", "k-123")
                .containsEntry("user-agent", "ops-router-probe");
    }

    @Test
    void failingEndpointFailsWithWhatWasSeen() {
        ProbeResult r = run("/fail", "2s", "status == 200");
        assertThat(r.success()).isFalse();
        assertThat(r.detail()).isEqualTo("status == 200 (got 500)");
        assertThat(r.values()).containsEntry("status_code", 500.0).containsEntry("success", 0.0);
    }

    @Test
    void redirectsAreFollowed() {
        ProbeResult r = run("/redirect", "2s", "status == 200", "body.$.status == \"ok\"");
        assertThat(r.success()).as(r.detail()).isTrue();
        assertThat(server.hits.get("/ok").get()).isEqualTo(1);
    }

    @Test
    void redirectsAreNotFollowedWhenTheMonitorSaysSo() {
        Monitor m = Monitors.one("""
                - id: web
                  kind: http
                  url: %s
                  followRedirects: false
                  conditions: [status == 302]
                """.formatted(server.url("/redirect")));
        assertThat(runner.run(m).join().success()).isTrue();
    }

    @Test
    void badJsonFailsTheJsonConditionOnly() {
        ProbeResult r = run("/badjson", "2s", "status == 200", "body.$.status == \"ok\"");
        assertThat(r.success()).isFalse();
        assertThat(r.detail()).isEqualTo("body.$.status == \"ok\" (got body is not JSON)");
    }

    @Test
    void aHangingEndpointTimesOutAtTheMonitorsTimeout() {
        long start = System.nanoTime();
        ProbeResult r = run("/hang", "300ms", "status == 200");
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.success()).isFalse();
        assertThat(r.detail()).isEqualTo("timed out after 300ms");
        assertThat(tookMs).isBetween(250L, 3000L);
    }

    @Test
    void aHugeBodyIsReadOnlyUpToTheLimit() {
        ProbeResult r = run("/huge", "5s", "status == 200", "body contains \"status ok\"");
        assertThat(r.success()).as(r.detail()).isTrue();
        assertThat(r.observation().bodyTruncated()).isTrue();
        assertThat(r.observation().body().length()).isEqualTo(HttpProber.DEFAULT_BODY_LIMIT);
    }

    @Test
    void aBinaryBodyIsReadAsTextWithoutFailingTheProbe() {
        ProbeResult r = run("/binary", "2s", "status == 200", "body.$.status == \"ok\"");
        assertThat(r.observation().error()).isNull();
        assertThat(r.detail()).isEqualTo("body.$.status == \"ok\" (got body is not JSON)");
    }

    @Test
    void aRefusedConnectionIsAFailure() {
        int port = io.opsrouter.testing.RouterHarness.freePort();
        Monitor m = Monitors.one("""
                - id: web
                  kind: http
                  url: http://127.0.0.1:%d/
                  timeout: 2s
                  conditions: [status == 200]
                """.formatted(port));
        ProbeResult r = runner.run(m).join();
        assertThat(r.success()).isFalse();
        assertThat(r.detail()).isEqualTo("connection refused");
        assertThat(r.latency()).isLessThan(Duration.ofSeconds(2));
    }
}
