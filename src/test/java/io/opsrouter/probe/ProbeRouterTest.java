package io.opsrouter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.alert.Signal;
import io.opsrouter.app.CoreModule;
import io.opsrouter.app.Json;
import io.opsrouter.app.StartupException;
import io.opsrouter.testing.RecordingIntake;
import io.opsrouter.testing.RouterHarness;
import io.opsrouter.testing.TestPostgres;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeRouterTest {
    @TempDir
    Path home;

    @TempDir
    Path certs;

    private final RecordingIntake intake = new RecordingIntake();

    private RouterHarness router(String monitorsYaml) {
        return RouterHarness.empty(home)
                .withShippedRoutes("http.yaml", "signals.yaml", "probes.yaml", "api-monitors.yaml")
                .writeFile("config/monitors.yaml", monitorsYaml)
                .onlyModules(
                        List.of(intake, new CoreModule(), new ProbeModule())); // the home holds only the probe routes
    }

    private static List<Signal.State> states(List<Signal> signals) {
        return signals.stream().map(Signal::state).toList();
    }

    @Test
    void monitorsRunOnTheirScheduleAndTheirSignalsMetersAndStatesReachTheRouter() throws Exception {
        try (TestHttpServer web = new TestHttpServer();
                TestTlsServer tls = new TestTlsServer(certs, 45);
                TestPostgres.Database db = DemoDatabase.create()) {
            DemoDatabase.execute(db, DemoDatabase.BAD_DAY);
            String yaml = """
                    defaults:
                      interval: 100ms
                      timeout: 1s
                    monitors:
                      - id: web
                        kind: http
                        url: %s
                        labels: {service: frontend, team: web}
                        runbook: restart the web server
                        conditions: [status == 200, body.$.status == "ok"]
                      - id: hang
                        kind: http
                        url: %s
                        interval: 10s
                        timeout: 20s
                        labels: {service: slow}
                      - id: cert
                        kind: tls
                        host: localhost
                        port: %d
                        labels: {service: frontend}
                        conditions: [days_left > 30]
                      - id: p1-unprocessed
                        kind: sql
                        severity: P1
                        failureThreshold: 1
                        successThreshold: 1
                        labels: {service: calls}
                        query: SELECT count(*) AS unprocessed_p1 FROM calls WHERE priority = 'P1' AND status = 'new' AND received_at < now() - interval '1 minute'
                        conditions: [unprocessed_p1 == 0]
                      - id: off
                        kind: http
                        url: ${OFF_URL}/health
                    """.formatted(web.url("/switch"), web.url("/hang"), tls.port());
            RouterHarness h = router(yaml).env("ROUTER_API_TOKEN", "probe-api-token-s3cret");
            DemoDatabase.env(db).forEach(h::env);
            try (RouterHarness r = h.start()) {
                ProbeResults results =
                        (ProbeResults) r.app().camel().getRegistry().lookupByName(ProbeResults.BEAN);

                // settles UP after 2 successes: one RESOLVED signal, so a stale alert resolves after a restart
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !intake.of("web").isEmpty());
                assertThat(states(intake.of("web"))).containsExactly(Signal.State.RESOLVED);
                // a hanging endpoint holds nothing up: it has not answered while web already settled
                assertThat(results.state("hang").last()).isNull();

                web.switchStatus.set(503);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> intake.of("web").size() >= 3);
                Signal firing = intake.of("web").get(1);
                assertThat(firing.state()).isEqualTo(Signal.State.FIRING);
                assertThat(firing.source()).isEqualTo("probe");
                assertThat(firing.labels())
                        .containsEntry("alertname", "web")
                        .containsEntry("monitor", "web")
                        .containsEntry("kind", "http")
                        .containsEntry("service", "frontend")
                        .containsEntry("team", "web");
                assertThat(firing.values()).containsEntry("success", 0.0).containsEntry("status_code", 503.0);
                assertThat(firing.annotations())
                        .containsEntry("runbook", "restart the web server")
                        .containsEntry("detail", "status == 200 (got 503); body.$.status == \"ok\" (got \"bad\")");
                // still firing on every result while down
                assertThat(intake.of("web").get(2).state()).isEqualTo(Signal.State.FIRING);

                web.switchStatus.set(200);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> intake.of("web")
                                        .get(intake.of("web").size() - 1)
                                        .state()
                                == Signal.State.RESOLVED);

                // the P1 business check fires on its first failure with its severity
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !intake.of("p1-unprocessed").isEmpty());
                Signal p1 = intake.of("p1-unprocessed").get(0);
                assertThat(p1.state()).isEqualTo(Signal.State.FIRING);
                assertThat(p1.severity()).isEqualTo(io.opsrouter.alert.Severity.P1);
                assertThat(p1.values()).containsEntry("unprocessed_p1", 1.0);

                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !intake.of("cert").isEmpty());
                assertThat(intake.of("cert").get(0).values().get("days_left")).isBetween(44.9, 45.01);

                String metrics = r.get("/metrics").body();
                assertThat(metrics)
                        .containsPattern(
                                "ops_router_probe_success\\{kind=\"http\",monitor=\"web\",service=\"frontend\",team=\"web\"} 1\\.0")
                        .containsPattern(
                                "ops_router_probe_up\\{kind=\"http\",monitor=\"web\",service=\"frontend\",team=\"web\"} 1\\.0")
                        .containsPattern("ops_router_probe_duration_seconds_count\\{kind=\"http\",monitor=\"web\"")
                        .containsPattern(
                                "ops_router_tls_cert_expiry_days\\{kind=\"tls\",monitor=\"cert\",service=\"frontend\",team=\"\"} 4[45]\\.")
                        .containsPattern(
                                "ops_router_probe_value\\{kind=\"sql\",monitor=\"p1-unprocessed\",service=\"calls\",team=\"\",value=\"unprocessed_p1\"} 1\\.0")
                        .contains("ops_router_probe_start_delay_seconds{quantile=\"0.99\"}");

                HttpResponse<String> api = r.send(HttpRequest.newBuilder(URI.create(r.baseUrl() + "/api/monitors"))
                        .header("Authorization", "Bearer probe-api-token-s3cret")
                        .GET());
                assertThat(api.statusCode()).isEqualTo(200);
                JsonNode list = Json.MAPPER.readTree(api.body()).get("monitors");
                assertThat(list).hasSize(5);
                JsonNode webView = list.get(0);
                assertThat(webView.get("id").asText()).isEqualTo("web");
                assertThat(webView.get("state").asText()).isEqualTo("UP");
                assertThat(webView.get("lastResult").get("success").asBoolean()).isTrue();
                assertThat(webView.get("lastResult")
                                .get("values")
                                .get("status_code")
                                .asDouble())
                        .isEqualTo(200.0);
                JsonNode off = list.get(4);
                assertThat(off.get("state").asText()).isEqualTo("DISABLED");
                assertThat(off.get("disabledReason").asText()).isEqualTo("set OFF_URL to enable");
                assertThat(list.get(3).get("state").asText()).isEqualTo("DOWN");

                HttpResponse<String> noToken = r.get("/api/monitors");
                assertThat(noToken.statusCode()).isEqualTo(401);
                assertThat(noToken.body()).contains("\"error\"").doesNotContain("web");
                HttpResponse<String> wrong = r.send(HttpRequest.newBuilder(URI.create(r.baseUrl() + "/api/monitors"))
                        .header("Authorization", "Bearer nope")
                        .GET());
                assertThat(wrong.statusCode()).isEqualTo(401);
                HttpResponse<String> basicWrong =
                        r.send(HttpRequest.newBuilder(URI.create(r.baseUrl() + "/api/monitors"))
                                .header("Authorization", "Basic !!!not-base64" + "A".repeat(4000))
                                .GET());
                assertThat(basicWrong.statusCode()).isEqualTo(401);
                HttpResponse<String> post = r.send(HttpRequest.newBuilder(URI.create(r.baseUrl() + "/api/monitors"))
                        .header("Authorization", "Bearer probe-api-token-s3cret")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")));
                assertThat(post.statusCode()).isEqualTo(405);
                assertThat(post.body()).doesNotContain("\"monitors\"");
            }
        }
    }

    @Test
    void aChangedMonitorsFileIsReloadedAndABrokenOneKeepsTheRunningMonitors() throws Exception {
        String a = """
                monitors:
                  - id: a
                    kind: http
                    url: %s
                    interval: 100ms
                    labels: {service: x}
                """;
        String b = """
                  - id: b
                    kind: http
                    url: %s
                    interval: 100ms
                    labels: {service: y, team: t}
                """;
        try (TestHttpServer web = new TestHttpServer();
                RouterHarness r = router(a.formatted(web.url("/ok")))
                        .setting("router.probes.reload-interval", "100ms")
                        .start()) {
            ProbeResults results = (ProbeResults) r.app().camel().getRegistry().lookupByName(ProbeResults.BEAN);
            await().atMost(Duration.ofSeconds(10)).until(() -> !intake.of("a").isEmpty());

            r.writeFile("config/monitors.yaml", "monitors:\n  - id: a\n    kind: http\n    url: nope\n");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> r.get("/metrics")
                            .body()
                            .contains("ops_router_monitor_reloads_total{outcome=\"refused\"} 1.0"));
            int hits = web.hits.get("/ok").get();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> web.hits.get("/ok").get() > hits + 2);
            assertThat(results.state("a").monitor().http().url().toString()).isEqualTo(web.url("/ok"));

            r.writeFile("config/monitors.yaml", a.formatted(web.url("/ok")) + b.formatted(web.url("/switch")));
            await().atMost(Duration.ofSeconds(10)).until(() -> !intake.of("b").isEmpty());
            assertThat(intake.of("a")).hasSize(1); // unchanged, so it kept its state and sent nothing new
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> r.get("/metrics")
                                    .body()
                                    .contains(
                                            "ops_router_probe_success{kind=\"http\",monitor=\"a\",service=\"x\",team=\"\"} 1.0"));
            assertThat(r.get("/metrics").body())
                    .contains("ops_router_probe_success{kind=\"http\",monitor=\"b\",service=\"y\",team=\"t\"} 1.0")
                    .contains("ops_router_monitor_reloads_total{outcome=\"applied\"} 1.0");

            r.writeFile("config/monitors.yaml", "monitors:\n" + b.formatted(web.url("/switch")));
            await().atMost(Duration.ofSeconds(10)).until(() -> results.state("a") == null);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !r.get("/metrics").body().contains("monitor=\"a\""));
        }
    }

    @Test
    void aTargetDatabaseUrlThatIsNotPostgresStopsStartUp() {
        RouterHarness r =
                router("monitors:\n  - id: postgres\n    kind: pg\n").env("TARGET_DB_URL", "postgres://db:5432/calls");
        assertThatThrownBy(r::start)
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("TARGET_DB_URL: 'postgres://db:5432/calls' is not a PostgreSQL JDBC URL");
        r.close();
    }

    @Test
    void theMonitorsApiIsOffUntilATokenIsSet() {
        try (RouterHarness r = router("monitors: []\n").start()) {
            HttpResponse<String> res = r.get("/api/monitors");
            assertThat(res.statusCode()).isEqualTo(401);
            assertThat(res.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(v -> assertThat(v).contains("application/json"));
            assertThat(res.body()).contains("set ROUTER_API_TOKEN");
        }
    }

    @Test
    void aBadMonitorStopsStartUpNamingFileMonitorAndReason() {
        RouterHarness r = router("""
                monitors:
                  - id: web
                    kind: http
                    url: http://127.0.0.1:1/
                    conditions: [status === 200]
                """);
        assertThatThrownBy(r::start)
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("config/monitors.yaml:5")
                .hasMessageContaining("monitor web")
                .hasMessageContaining("bad condition 'status === 200'");
        r.close();
    }
}
