package io.opsrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.RouterHarness;
import io.opsrouter.testing.TestPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterStartupTest {
    @TempDir
    Path home;

    @Test
    void runsOnPostgresWhenRouterDbUrlIsSet() {
        try (TestPostgres.Database db = TestPostgres.createDatabase("router");
                RouterHarness router = RouterHarness.shipped(home).database(db).start()) {
            HttpResponse<String> health = router.get("/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("PostgreSQL");
        }
    }

    @Test
    void everyShippedRouteFileLoads() throws Exception {
        try (RouterHarness router = RouterHarness.shipped(home).start();
                var files = java.nio.file.Files.list(home.resolve("routes"))) {
            var sources = router.app().camel().getRoutes().stream()
                    .map(r -> r.getSourceResource() == null
                            ? ""
                            : r.getSourceResource().getLocation())
                    .toList();
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                boolean defines = java.nio.file.Files.readString(f).contains("- route:")
                        || java.nio.file.Files.readString(f).contains("- templatedRoute:");
                if (defines) {
                    assertThat(sources)
                            .as("routes from " + f.getFileName())
                            .anyMatch(s -> s.endsWith(f.getFileName().toString()));
                }
            }
        }
    }

    @Test
    void shippedRouterAnswersHealthAndMetricsOverHttp() {
        try (RouterHarness router = RouterHarness.shipped(home).start()) {
            HttpResponse<String> health = router.get("/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(v -> assertThat(v).contains("application/json"));
            assertThat(health.body())
                    .contains("\"status\":\"UP\"")
                    .contains("\"routes\"")
                    .contains("\"store\"");

            HttpResponse<String> metrics = router.get("/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("ops_router_build{")
                    .contains("jvm_memory_used_bytes")
                    .contains("camel_exchanges_total")
                    .containsPattern("(?m)^ops_router_store_file_bytes [1-9][0-9.E]*$");
        }
    }
}
