package io.opsrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.RouterHarness;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterStartupTest {
    @TempDir
    Path home;

    @Test
    void shippedRouterAnswersHealthAndMetricsOverHttp() {
        try (RouterHarness router = RouterHarness.shipped(home).start()) {
            HttpResponse<String> health = router.get("/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("application/json"));
            assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"routes\"").contains("\"store\"");

            HttpResponse<String> metrics = router.get("/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("ops_router_build{")
                    .contains("jvm_memory_used_bytes")
                    .contains("camel_exchanges_total");
        }
    }
}
