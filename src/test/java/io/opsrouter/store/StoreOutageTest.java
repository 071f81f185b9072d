package io.opsrouter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.testing.PausableProxy;
import io.opsrouter.testing.RouterHarness;
import io.opsrouter.testing.TestPostgres;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store goes silent (a network that drops everything, not a refusal): ingest answers 503 within about 2 s so
 * that Alertmanager retries before its own 10 s timeout, /health says so within about 1 s, and both recover when
 * the store answers again, without a restart.
 */
class StoreOutageTest {
    private static final String TOKEN = "outage-token-" + System.nanoTime();

    @TempDir
    Path home;

    @Test
    void aSilentStoreIsAnsweredFastAndTheRouterRecoversWithoutARestart() throws Exception {
        try (TestPostgres.Database pg = TestPostgres.createDatabase("outage")) {
            java.net.URI pgAddress = URI.create(pg.url().substring("jdbc:".length()));
            try (PausableProxy proxy = new PausableProxy(pgAddress.getHost(), pgAddress.getPort());
                    RouterHarness router = RouterHarness.shipped(home)
                            .database(pg)
                            .env("ROUTER_DB_URL", proxy.through(pg.url()))
                            .env("ROUTER_WEBHOOK_TOKEN", TOKEN)
                            .start()) {
                String alert = Files.readString(RouterHarness.REPO.resolve("src/test/resources/ingest/firing.json"));
                assertThat(ingest(router, alert).statusCode()).isEqualTo(200);
                assertThat(router.get("/health").statusCode()).isEqualTo(200);

                proxy.pause();
                for (int i = 0; i < 3; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = ingest(router, alert.replace("SupabaseDown", "Outage" + i));
                    long ingestMs = (System.nanoTime() - t0) / 1_000_000;
                    t0 = System.nanoTime();
                    HttpResponse<String> health = router.get("/health");
                    long healthMs = (System.nanoTime() - t0) / 1_000_000;
                    System.out.printf(
                            "store away: ingest %d in %d ms, /health %d in %d ms%n",
                            r.statusCode(), ingestMs, health.statusCode(), healthMs);
                    assertThat(r.statusCode()).isEqualTo(503);
                    assertThat(ingestMs).as("ingest's 503 (ms)").isLessThan(2_500);
                    assertThat(health.statusCode()).isEqualTo(503);
                    assertThat(health.body()).contains("\"store\":{\"status\":\"DOWN\"");
                    assertThat(healthMs).as("/health (ms)").isLessThan(1_500);
                }

                proxy.resume();
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> ingest(router, alert).statusCode() == 200);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> router.get("/health").statusCode() == 200);
            }
        }
    }

    private static HttpResponse<String> ingest(RouterHarness router, String body) {
        return router.send(HttpRequest.newBuilder(URI.create(router.baseUrl() + "/webhooks/alertmanager"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
