package io.opsrouter.ingest;

import static io.opsrouter.ingest.IngestHttp.post;
import static io.opsrouter.ingest.IngestHttp.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.testing.RecordingIntake;
import io.opsrouter.testing.RouterHarness;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class IngestLimitsTest {
    @TempDir
    Path home;

    @Test
    void theRateLimitRefusesWith429AndRetryAfterPerClient() {
        RecordingIntake intake = new RecordingIntake().onlyFrom(RecordingIntake.FED_IN);
        try (RouterHarness router = RouterHarness.shipped(home)
                .modules(intake.modules())
                .setting(IngestSettings.RATE_LIMIT, "3")
                .setting(IngestSettings.RATE_PERIOD, "1h")
                .start()) {
            for (int i = 0; i < 3; i++) {
                assertThat(router.send(post(router, "/webhooks/alertmanager", vector("firing.json")))
                                .statusCode())
                        .isEqualTo(200);
            }
            HttpResponse<String> limited = router.send(post(router, "/api/v2/alerts", vector("api-v2.json")));
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After"))
                    .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 1200L));
            assertThat(limited.body()).contains("\"error\"");
            assertThat(intake.signals).hasSize(3);
            assertThat(router.get("/metrics").body())
                    .contains("ops_router_ingest_refused_total{endpoint=\"api_v2\",reason=\"rate_limited\"} 1.0")
                    .contains("ops_router_ingest_requests_total{endpoint=\"api_v2\",status=\"429\"} 1.0");
            // health and metrics are not rate limited
            assertThat(router.get("/-/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aBusyIntakeAnswers503WithRetryAfterAndStillTakesAP1() {
        RecordingIntake intake = new RecordingIntake().onlyFrom(RecordingIntake.FED_IN);
        intake.busy = true;
        try (RouterHarness router = RouterHarness.shipped(home)
                .modules(intake.modules())
                .setting(IngestSettings.RATE_LIMIT, "100000")
                .start()) {
            HttpResponse<String> busy = router.send(post(
                    router,
                    "/api/v2/alerts",
                    "[{\"labels\":{\"alertname\":\"DiskFilling\",\"severity\":\"warning\"}}]"));
            assertThat(busy.statusCode()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(busy.body()).contains("\"error\":\"the router is writing a queue of 8 requests; retry\"");
            assertThat(intake.signals).isEmpty();
            // firing.json: SupabaseDown with severity critical, a P1
            HttpResponse<String> p1 = router.send(post(router, "/webhooks/alertmanager", vector("firing.json")));
            assertThat(p1.statusCode()).isEqualTo(200);
            assertThat(intake.of("SupabaseDown")).isNotEmpty();
            assertThat(router.get("/metrics").body())
                    .contains("ops_router_ingest_refused_total{endpoint=\"api_v2\",reason=\"busy\"} 1.0");
        }
    }

    @Test
    void aFloodOfRefusalsIsLoggedOncePerReasonAndPeriod() {
        RecordingIntake intake = new RecordingIntake().onlyFrom(RecordingIntake.FED_IN);
        intake.busy = true;
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = logsOf(root);
        try (RouterHarness router = unlimited(intake)) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> busy = router.send(post(
                        router,
                        "/api/v2/alerts",
                        "[{\"labels\":{\"alertname\":\"DiskFilling\",\"severity\":\"warning\"}}]"));
                assertThat(busy.statusCode()).isEqualTo(503);
            }
            HttpResponse<String> bad = router.send(post(router, "/api/v2/alerts", "[{\"labels\":{}}]"));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(router.get("/metrics").body())
                    .contains("ops_router_ingest_refused_total{endpoint=\"api_v2\",reason=\"busy\"} 5.0");
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list)
                .filteredOn(e -> e.getFormattedMessage().startsWith("refused api_v2"))
                .extracting(ILoggingEvent::getFormattedMessage)
                .hasSize(2)
                .anySatisfy(m -> assertThat(m).contains("503 the router is writing a queue of 8 requests"))
                .anySatisfy(m -> assertThat(m).contains("400"));
    }

    @Test
    void aStoreFailureIsLoggedInOneShortLine() {
        RecordingIntake intake = new RecordingIntake().onlyFrom(RecordingIntake.FED_IN);
        // a Camel binding error's message lists every alert of the request: the log line keeps only its start
        intake.failure = new IllegalStateException("arguments: " + "[Signal[labels={alertname=x}]] ".repeat(500));
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = logsOf(root);
        try (RouterHarness router = unlimited(intake)) {
            HttpResponse<String> r = router.send(post(router, "/webhooks/alertmanager", vector("firing.json")));
            assertThat(r.statusCode()).isEqualTo(503);
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list)
                .filteredOn(e -> e.getFormattedMessage().startsWith("could not store alerts"))
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage())
                        .contains("IllegalStateException: arguments: [Signal")
                        .hasSizeLessThan(300));
    }

    @Test
    void aHugeDeclaredBodyIs413BeforeItIsSentAndTheConnectionCloses() throws Exception {
        try (RouterHarness router = RouterHarness.shipped(home)
                        .modules(new RecordingIntake()
                                .onlyFrom(RecordingIntake.FED_IN)
                                .modules())
                        .start();
                java.net.Socket socket = new java.net.Socket("127.0.0.1", router.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("POST /webhooks/alertmanager HTTP/1.1\r\nHost: router\r\n"
                                    + "Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{\"version\":")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer)
                    .startsWith("HTTP/1.1 413")
                    .containsIgnoringCase("connection: close")
                    .contains("\"field\":\"body\"");
        }
    }

    @Test
    void slowSendersCannotTakeEveryWorker() throws Exception {
        RecordingIntake intake = new RecordingIntake().onlyFrom(RecordingIntake.FED_IN);
        try (RouterHarness router = RouterHarness.shipped(home)
                .modules(intake.modules())
                .setting(IngestSettings.CONCURRENT_READS, "2")
                .setting(IngestSettings.READ_TIMEOUT, "1m")
                .setting(IngestSettings.RATE_LIMIT, "100000")
                .start()) {
            java.util.List<java.net.Socket> slow = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    java.net.Socket s = new java.net.Socket("127.0.0.1", router.port());
                    s.getOutputStream()
                            .write(("POST /webhooks/alertmanager HTTP/1.1\r\nHost: router\r\n"
                                            + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"vers")
                                    .getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    slow.add(s);
                }
                // once both slow bodies hold their read slots, a third sender is told to come back (503, Retry-After)
                org.awaitility.Awaitility.await()
                        .atMost(java.time.Duration.ofSeconds(20))
                        .until(() -> router.send(post(router, "/webhooks/alertmanager", vector("firing.json")))
                                        .statusCode()
                                == 503);
                HttpResponse<String> busy = router.send(post(router, "/webhooks/alertmanager", vector("firing.json")));
                assertThat(busy.statusCode()).isEqualTo(503);
                assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(router.get("/health").statusCode()).isEqualTo(200);
            } finally {
                for (java.net.Socket s : slow) s.close();
            }
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> router.send(post(router, "/webhooks/alertmanager", vector("firing.json")))
                                    .statusCode()
                            == 200);
        }
    }

    @Test
    void readyIs503WhileAPartOfTheRouterIsDownAndHealthyStays200() {
        java.util.List<io.opsrouter.app.RouterModule> modules = new java.util.ArrayList<>(
                new RecordingIntake().onlyFrom(RecordingIntake.FED_IN).modules());
        modules.add(new io.opsrouter.app.RouterModule() {
            @Override
            public String name() {
                return "broken-part";
            }

            @Override
            public void configure(io.opsrouter.app.RouterContext ctx, io.opsrouter.app.Beans beans) {
                ctx.health()
                        .register("broken-part", () -> io.opsrouter.app.HealthPart.down("broken-part", "on purpose"));
            }
        });
        try (RouterHarness router = RouterHarness.shipped(home).modules(modules).start()) {
            HttpResponse<String> ready = router.get("/-/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).isEqualTo("Service Unavailable");
            assertThat(router.get("/-/healthy").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void withoutASecretSignedEventsAreRefused() {
        try (RouterHarness router = RouterHarness.shipped(home)
                .modules(new RecordingIntake().onlyFrom(RecordingIntake.FED_IN).modules())
                .start()) {
            HttpResponse<String> r = router.send(post(router, "/webhooks/events", "{\"source\":\"s\",\"name\":\"n\"}")
                    .header("X-Timestamp", "1")
                    .header("X-Signature", "sha256=00"));
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("ROUTER_WEBHOOK_SECRET").doesNotContain("Exception");
        }
    }

    @Test
    void aSmallerBodyLimitIsASetting() {
        try (RouterHarness router = RouterHarness.shipped(home)
                .modules(new RecordingIntake().onlyFrom(RecordingIntake.FED_IN).modules())
                .setting(IngestSettings.MAX_BODY, "2048")
                .start()) {
            String padded = vector("firing.json")
                    .replace("\"receiver\": \"ops-router\"", "\"receiver\": \"" + "r".repeat(2048) + "\"");
            HttpResponse<String> r =
                    router.send(post(router, "/webhooks/alertmanager", padded.getBytes(StandardCharsets.UTF_8)));
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(router.send(post(router, "/webhooks/alertmanager", vector("firing.json")))
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void badSettingsStopStartUpNamingTheKeyAndTheFix() {
        assertRefusedSetting(IngestSettings.MAX_BODY, "0");
        assertRefusedSetting(IngestSettings.MAX_ALERTS, "lots");
        assertRefusedSetting(IngestSettings.RATE_LIMIT, "-5");
        assertRefusedSetting(IngestSettings.RATE_PERIOD, "0s");
        assertRefusedSetting(IngestSettings.SIGNATURE_TOLERANCE, "2d");
        assertRefusedSetting(IngestSettings.SEVERITY_MAP, "critical=P9");
        assertRefusedSetting(IngestSettings.SEVERITY_MAP, "critical");
        assertRefusedSetting(IngestSettings.SEVERITY_DEFAULT, "P0");
        assertRefusedSetting(IngestSettings.MAX_LABELS, "100000");
    }

    @Test
    void theSeverityMappingIsASetting() {
        IngestSettings s = IngestSettings.from(new SettingsSource(
                home,
                Map.of(
                        IngestSettings.SEVERITY_MAP,
                        "critical=P1, page=P1, warning=P3",
                        IngestSettings.SEVERITY_DEFAULT,
                        "P2"),
                Map.of(),
                new Env(Map.of())));
        assertThat(s.severities().of(Map.of("severity", "PAGE"))).hasToString("P1");
        assertThat(s.severities().of(Map.of("severity", "warning"))).hasToString("P3");
        assertThat(s.severities().of(Map.of("severity", "info"))).hasToString("P2");
        assertThat(s.severities().of(Map.of())).hasToString("P2");
        assertThat(s.severities().of(Map.of("severity", "info", "priority", "p1")))
                .hasToString("P1");
        assertThat(s.severities().of(Map.of("severity", "critical", "priority", "high")))
                .hasToString("P1");
    }

    @Test
    void aTokenInTheSettingsFileIsRefused() {
        assertThatThrownBy(() -> IngestSettings.from(new SettingsSource(
                        home, Map.of(IngestSettings.TOKEN, "plain-text-token"), Map.of(), new Env(Map.of()))))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("ROUTER_WEBHOOK_TOKEN");
    }

    private void assertRefusedSetting(String key, String value) {
        SettingsSource source = new SettingsSource(home, Map.of(key, value), Map.of(), new Env(Map.of()));
        assertThatThrownBy(() -> IngestSettings.from(source))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(SettingsSource.FILE)
                .hasMessageContaining(key)
                .hasMessageContaining("fix:");
    }

    private RouterHarness unlimited(RecordingIntake intake) {
        return RouterHarness.shipped(home)
                .modules(intake.modules())
                .setting(IngestSettings.RATE_LIMIT, "100000")
                .start();
    }

    private static ListAppender<ILoggingEvent> logsOf(Logger root) {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        return logs;
    }
}
