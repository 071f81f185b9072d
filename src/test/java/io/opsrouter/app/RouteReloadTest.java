package io.opsrouter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.testing.RouterHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.camel.ServiceStatus;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With router.routes.reload on, a changed file is reloaded; a broken one is refused and the running routes stay. */
class RouteReloadTest {
    private static final String GOOD = """
            - route:
                id: heartbeat
                from:
                  uri: timer:heartbeat?period=50
                  steps:
                    - setBody:
                        constant: "%s"
                    - to: seda:beats
            """;

    @TempDir
    Path home;

    @Test
    void brokenReloadKeepsRunningRoutesAndGoodReloadReplacesThem() throws Exception {
        try (RouterHarness router = RouterHarness.shipped(home)
                .setting("router.routes.reload", "true")
                .writeFile("routes/heartbeat.yaml", GOOD.formatted("v1"))
                .start()) {
            var camel = router.app().camel();
            var consumer = camel.createConsumerTemplate();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "v1".equals(consumer.receiveBody("seda:beats", 200, String.class)));
            RouteWatcherReloadStrategy reload = camel.hasService(RouteWatcherReloadStrategy.class);
            assertThat(reload).isNotNull();

            Files.writeString(home.resolve("routes/heartbeat.yaml"), """
                    - route:
                        id: heartbeat
                        from:
                          uri: timer:heartbeat?period=50
                          steps:
                            - lgo:
                                message: broken
                    """);
            await().atMost(Duration.ofSeconds(20)).until(() -> reload.getFailedCounter() >= 1);
            assertThat(camel.getRouteController().getRouteStatus("heartbeat")).isEqualTo(ServiceStatus.Started);
            consumer.cleanUp();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> "v1".equals(consumer.receiveBody("seda:beats", 200, String.class)));
            assertThat(router.get("/health").statusCode()).isEqualTo(200);
            assertThat(router.get("/health").body()).contains("last reload refused, previous routes kept");
            assertThat(router.get("/metrics").body())
                    .containsPattern("ops_router_route_reloads_total\\{outcome=\"failed\"} [1-9]");

            Files.writeString(home.resolve("routes/heartbeat.yaml"), GOOD.formatted("v2"));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "v2".equals(consumer.receiveBody("seda:beats", 200, String.class)));
        }
    }
}
