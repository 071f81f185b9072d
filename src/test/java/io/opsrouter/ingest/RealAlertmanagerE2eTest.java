package io.opsrouter.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.alert.Fingerprint;
import io.opsrouter.alert.Severity;
import io.opsrouter.alert.Signal;
import io.opsrouter.testing.RecordingIntake;
import io.opsrouter.testing.RouterHarness;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real binaries (Debian's prometheus-alertmanager and prometheus): Alertmanager delivers to the webhook,
 * resolves through it, and Prometheus posts straight to /api/v2/alerts. Run with
 * {@code mvn test -Dsurefire.excludedGroups=bench -Dtest=RealAlertmanagerE2eTest}.
 */
@Tag("e2e")
class RealAlertmanagerE2eTest {
    static final String TOKEN = "e2e-webhook-token-0001";

    @TempDir
    Path dir;

    final RecordingIntake intake = new RecordingIntake().onlyFrom(RecordingIntake.FED_IN);
    final List<Process> processes = new ArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();
    RouterHarness router;

    @AfterEach
    void stop() {
        for (Process p : processes) p.destroy();
        if (router != null) router.close();
    }

    @Test
    void alertmanagerDeliversFiringAndResolvedAlertsThroughTheWebhook() throws Exception {
        router = RouterHarness.shipped(dir.resolve("router"))
                .modules(intake.modules())
                .env("ROUTER_WEBHOOK_TOKEN", TOKEN)
                .start();
        int amPort = RouterHarness.freePort();
        Path config = write("alertmanager.yml", """
                route:
                  receiver: ops-router
                  group_by: [alertname]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: ops-router
                    webhook_configs:
                      - url: %s/webhooks/alertmanager
                        send_resolved: true
                        max_alerts: 1000
                        http_config:
                          authorization:
                            type: Bearer
                            credentials: %s
                """.formatted(router.baseUrl(), TOKEN));
        start(
                binary("prometheus-alertmanager", "alertmanager"),
                "--config.file=" + config,
                "--storage.path=" + dir.resolve("am-data"),
                "--web.listen-address=127.0.0.1:" + amPort,
                "--cluster.listen-address=");
        String am = "http://127.0.0.1:" + amPort;
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(am + "/-/ready") == 200);

        String labels = "{\"alertname\":\"E2eSupabaseDown\",\"severity\":\"critical\",\"instance\":\"db:5432\"}";
        postToAlertmanager(
                am,
                "[{\"labels\":" + labels + ",\"annotations\":{\"summary\":\"db down\"},\"startsAt\":\""
                        + Instant.now().minusSeconds(60) + "\"}]");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> find("E2eSupabaseDown", Signal.State.FIRING).isPresent());
        Signal firing = find("E2eSupabaseDown", Signal.State.FIRING).orElseThrow();
        assertThat(firing.source()).isEqualTo("alertmanager");
        assertThat(firing.severity()).isEqualTo(Severity.P1);
        assertThat(firing.annotations()).containsEntry("summary", "db down");
        // Alertmanager's own fingerprint equals the one the router computes for Prometheus' alerts
        assertThat(firing.externalId()).isEqualTo(Fingerprint.of(firing.labels()));

        postToAlertmanager(
                am, "[{\"labels\":" + labels + ",\"endsAt\":\"" + Instant.now().minusSeconds(1) + "\"}]");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> find("E2eSupabaseDown", Signal.State.RESOLVED).isPresent());
        assertThat(find("E2eSupabaseDown", Signal.State.RESOLVED).orElseThrow().externalId())
                .isEqualTo(firing.externalId());
    }

    @Test
    void prometheusPostsItsAlertsStraightToTheRouter() throws Exception {
        router = RouterHarness.shipped(dir.resolve("router"))
                .modules(intake.modules())
                .env("ROUTER_WEBHOOK_TOKEN", TOKEN)
                .start();
        write("rules.yml", """
                groups:
                  - name: e2e
                    interval: 1s
                    rules:
                      - alert: E2eAlwaysFiring
                        expr: vector(1)
                        labels:
                          severity: warning
                        annotations:
                          summary: always firing
                """);
        Path config = write("prometheus.yml", """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [%s]
                alerting:
                  alertmanagers:
                    - api_version: v2
                      path_prefix: /
                      authorization:
                        type: Bearer
                        credentials: %s
                      static_configs:
                        - targets: ["127.0.0.1:%d"]
                """.formatted(dir.resolve("rules.yml"), TOKEN, router.port()));
        start(
                binary("prometheus"),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("prom-data"),
                "--web.listen-address=127.0.0.1:" + RouterHarness.freePort(),
                // the first send can come before the router is discovered and be dropped: re-send every second
                "--rules.alert.resend-delay=1s");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> find("E2eAlwaysFiring", Signal.State.FIRING).isPresent());
        Signal s = find("E2eAlwaysFiring", Signal.State.FIRING).orElseThrow();
        assertThat(s.source()).isEqualTo("prometheus");
        assertThat(s.severity()).isEqualTo(Severity.P2);
        assertThat(s.annotations()).containsEntry("summary", "always firing").containsKey("generatorURL");
        assertThat(router.get("/metrics").body())
                .contains("ops_router_ingest_requests_total{endpoint=\"api_v2\",status=\"200\"}");
    }

    private Optional<Signal> find(String name, Signal.State state) {
        return intake.signals.stream()
                .filter(s -> s.name().equals(name) && s.state() == state)
                .findFirst();
    }

    private void postToAlertmanager(String am, String alerts) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(am + "/api/v2/alerts"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(alerts))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private int get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private void start(String... command) throws IOException {
        processes.add(new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        dir.resolve(Path.of(command[0]).getFileName() + ".log").toFile())
                .start());
    }

    private static String binary(String... names) {
        for (String name : names) {
            Optional<Path> found = Stream.of(
                            System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator))
                    .map(p -> Path.of(p, name))
                    .filter(Files::isExecutable)
                    .findFirst();
            if (found.isPresent()) return found.get().toString();
        }
        throw new IllegalStateException(String.join(" or ", names)
                + " is not installed: apt-get install -y prometheus-alertmanager prometheus");
    }
}
