package io.opsrouter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.testing.JarProcess;
import io.opsrouter.testing.RouterHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's run command, as a user runs it: the packaged jar on the embedded store. */
class JarLaunchIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path home;

    private void copyShipped() throws Exception {
        RouterHarness.shipped(home); // copies routes/ and config/
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void runCommandReachesHealthOnTheEmbeddedStoreAndServesMetrics() throws Exception {
        copyShipped();
        int port = RouterHarness.freePort();
        // the parts' detail is shown to everyone here (by default only to callers with the API token)
        try (JarProcess router = JarProcess.start(
                home, Map.of("ROUTER_HTTP_PORT", Integer.toString(port), "ROUTER_HEALTH_DETAIL", "public"))) {
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> get(port, "/health").statusCode() == 200);
            assertThat(get(port, "/health").body())
                    .contains("\"store\":{\"status\":\"UP\",\"detail\":\"H2 (embedded)\"}");
            assertThat(get(port, "/metrics").body()).contains("ops_router_build{");
            assertThat(Files.exists(home.resolve("data")))
                    .as("embedded store under data/")
                    .isTrue();
            router.stop();
            assertThat(router.stdout()).contains("ready on port " + port);
        }
    }

    @Test
    void brokenRouteFileStopsStartUpWithItsLine() throws Exception {
        copyShipped();
        Files.writeString(
                home.resolve("routes/oops.yaml"),
                "- route:\n    id: oops\n    from:\n      uri: timer:t\n      steps:\n        - lgo: {}\n");
        try (JarProcess router =
                JarProcess.start(home, Map.of("ROUTER_HTTP_PORT", Integer.toString(RouterHarness.freePort())))) {
            assertThat(router.waitFor(60)).isEqualTo(1);
            assertThat(router.stderr().strip())
                    .isEqualTo("ops-router: route file routes/oops.yaml:6: Unknown node id: lgo");
        }
    }

    @Test
    void jsonLogFormatWritesJsonLines() throws Exception {
        copyShipped();
        int port = RouterHarness.freePort();
        try (JarProcess router = JarProcess.start(
                home, Map.of("ROUTER_HTTP_PORT", Integer.toString(port), "ROUTER_LOG_FORMAT", "json"))) {
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> get(port, "/health").statusCode() == 200);
            router.stop();
            String[] lines = router.stdout().strip().split("\n");
            assertThat(lines).isNotEmpty();
            for (String line : lines) {
                assertThat(Json.MAPPER.readTree(line).has("level")).as(line).isTrue();
            }
        }
    }

    @Test
    void backupPrintsOnlyTheArchivePathOnStdoutSoScriptsCanUseIt() throws Exception {
        copyShipped();
        try (JarProcess backup = JarProcess.start(
                home,
                Map.of(),
                "backup",
                "--type",
                "config",
                "--out",
                home.resolve("out").toString())) {
            assertThat(backup.waitFor(60)).as(backup.stderr()).isZero();
            Path archive = Path.of(backup.stdout().strip());
            assertThat(backup.stdout().strip().lines()).hasSize(1);
            assertThat(Files.isRegularFile(archive)).as(backup.stdout()).isTrue();
            assertThat(archive.getParent()).isEqualTo(home.resolve("out"));
            assertThat(backup.stderr()).as("the log lines, on stderr").contains("INFO");
        }
    }
}
