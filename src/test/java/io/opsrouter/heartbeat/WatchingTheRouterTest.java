package io.opsrouter.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.opsrouter.app.Json;
import io.opsrouter.testing.RouterHarness;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outgoing heartbeat to a watcher (a stand-in HTTP server), and the router that says it can page nobody. */
class WatchingTheRouterTest {
    @TempDir
    Path home;

    private HttpServer watcher;
    private final List<String> pinged = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startWatcher() throws IOException {
        watcher = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        watcher.createContext("/", ex -> {
            pinged.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
            byte[] ok = "OK".getBytes();
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        watcher.start();
    }

    @AfterEach
    void stopWatcher() {
        watcher.stop(0);
    }

    private String watcherUrl() {
        return "http://127.0.0.1:" + watcher.getAddress().getPort() + "/ping/other-router-key-0123456789";
    }

    @Test
    void theRouterPingsItsWatcherWhileHealthyAndFailWhenTheStoreIsDown() {
        try (RouterHarness r = RouterHarness.shipped(home)
                .env(HeartbeatSettings.OUTGOING_URL_ENV, watcherUrl())
                .setting(HeartbeatSettings.OUTGOING_INTERVAL, "100ms")
                .start()) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> pinged.contains("GET /ping/other-router-key-0123456789"));
            assertThat(pinged).doesNotContain("GET /ping/other-router-key-0123456789/fail");

            r.store().close();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> pinged.contains("GET /ping/other-router-key-0123456789/fail"));
            assertThat(r.get("/health").statusCode()).isEqualTo(503);
        }
    }

    @Test
    void twoRoutersWatchEachOtherThroughTheirPingUrls() throws Exception {
        String key = "router-a-watched-by-b-0123456789";
        try (RouterHarness b = RouterHarness.shipped(home.resolve("b"))
                        .env("BACKUP_HEARTBEAT_KEY", key)
                        .start();
                RouterHarness a = RouterHarness.shipped(home.resolve("a"))
                        .env(HeartbeatSettings.OUTGOING_URL_ENV, b.baseUrl() + "/ping/" + key)
                        .setting(HeartbeatSettings.OUTGOING_INTERVAL, "100ms")
                        .start()) {
            HeartbeatChecker checker =
                    b.app().camel().getRegistry().lookupByNameAndType("heartbeatChecker", HeartbeatChecker.class);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> checker.views().get(1).status() == HeartbeatState.Status.UP);
            assertThat(a.app()).isNotNull();
        }
    }

    @Test
    void aRouterThatCanPageNobodyIsDegradedSaysWhyAndAGaugeSaysIt() throws Exception {
        try (RouterHarness r = RouterHarness.shipped(home).start()) {
            HttpResponse<String> health = r.get("/health");
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode body = Json.MAPPER.readTree(health.body());
            assertThat(body.get("status").asText()).isEqualTo("DEGRADED");
            assertThat(body.get("degraded").toString())
                    .contains("no paging channel is configured")
                    .contains("nobody in config/escalation.yaml has a phone number or e-mail address")
                    .contains("acknowledge links in messages point at localhost");
            String metrics = r.get("/metrics").body();
            assertThat(metrics)
                    .contains("ops_router_paging_degraded{reason=\"no_channel\"} 1.0")
                    .contains("ops_router_paging_degraded{reason=\"no_contact\"} 1.0")
                    .contains("ops_router_paging_degraded{reason=\"local_public_url\"} 1.0");
        }
    }

    @Test
    void aRouterThatCanPageSomeoneIsUp() throws Exception {
        try (RouterHarness r = RouterHarness.shipped(home)
                .env("WEBHOOK_URL", "http://127.0.0.1:9/hook")
                .env("WEBHOOK_SECRET", "s".repeat(40))
                .env("ONCALL_PRIMARY_EMAIL", "pat@example.com")
                .env("ROUTER_PUBLIC_URL", "https://ops.example.com")
                .start()) {
            JsonNode body = Json.MAPPER.readTree(r.get("/health").body());
            assertThat(body.get("status").asText()).isEqualTo("UP");
            assertThat(body.has("degraded")).isFalse();
            assertThat(r.get("/metrics").body()).contains("ops_router_paging_degraded{reason=\"no_channel\"} 0.0");
        }
    }
}
