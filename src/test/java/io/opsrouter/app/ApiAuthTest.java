package io.opsrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opsrouter.testing.RouterHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The API's one authentication step, the throttling of wrong tokens, and what /health shows to whom. */
class ApiAuthTest {
    static final String TOKEN = "api-auth-test-token-0001";
    static final String PROTECTED = """
            - rest:
                path: /api
                get:
                  - path: /things
                    to: direct:things
            - route:
                id: api-things
                routeConfigurationId: api
                from:
                  uri: direct:things
                  steps:
                    - setBody:
                        constant: "{\\"things\\":[]}"
            """;

    @TempDir
    Path home;

    RouterHarness router;

    RouterHarness router() {
        return RouterHarness.empty(home)
                .withShippedRoutes("http.yaml")
                .writeFile("routes/things.yaml", PROTECTED)
                .onlyModules(List.of(new CoreModule()));
    }

    @AfterEach
    void stop() {
        if (router != null) router.close();
    }

    HttpResponse<String> get(String path, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(router.baseUrl() + path));
        if (authorization != null) b.header("Authorization", authorization);
        return router.send(b);
    }

    @Test
    void aProtectedRouteIsClosedUntilTheTokenIsSet() {
        router = router().start();
        HttpResponse<String> r = get("/api/things", "Bearer " + TOKEN);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("set ROUTER_API_TOKEN").contains("\"field\":\"Authorization\"");
    }

    @Test
    void wrongTokensAreThrottledPerAddressButTheRightTokenAlwaysPasses() {
        router = router().env("ROUTER_API_TOKEN", TOKEN)
                .setting(AuthFailures.ALLOWED, "3")
                .setting(AuthFailures.PERIOD, "1h")
                .start();
        assertThat(get("/api/things", "Bearer " + TOKEN).body()).isEqualTo("{\"things\":[]}");
        for (int i = 0; i < 3; i++)
            assertThat(get("/api/things", "Bearer wrong-" + i).statusCode()).isEqualTo(401);
        HttpResponse<String> throttled = get("/api/things", "Bearer wrong-again");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        assertThat(throttled.body()).contains("too many wrong tokens");
        assertThat(get("/api/things", null).statusCode()).isEqualTo(429);
        assertThat(get("/api/things", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(router.get("/metrics").body()).contains("ops_router_auth_failures_total{door=\"api\"} 5.0");
    }

    @Test
    void healthShowsPartDetailOnlyWithTheApiToken() {
        router = router().env("ROUTER_API_TOKEN", TOKEN)
                .setting(HealthEndpoint.DETAIL, "authenticated")
                .start();
        HttpResponse<String> anonymous = get("/health", null);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.body())
                .contains("\"status\":\"UP\"")
                .contains("\"routes\"")
                .contains("\"store\"")
                .doesNotContain("detail")
                .doesNotContain("H2");
        assertThat(get("/health", "Bearer not-the-token").body()).doesNotContain("detail");
        assertThat(get("/health", "Bearer " + TOKEN).body()).contains("\"detail\":\"H2 (embedded)\"");
    }

    @Test
    void detailIsHiddenByDefault() {
        assertThat(HealthEndpoint.publicDetail(new io.opsrouter.config.SettingsSource(
                        home, java.util.Map.of(), java.util.Map.of(), new io.opsrouter.config.Env(java.util.Map.of()))))
                .isFalse();
    }

    @Test
    void aLargeFormBodyIsRefusedWithOneLogLineAndNoStackTrace() {
        router = router().env("ROUTER_API_TOKEN", TOKEN).start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            for (String path : List.of("/health", "/api/things", "/ack/abc")) {
                HttpResponse<String> r = router.send(HttpRequest.newBuilder(URI.create(router.baseUrl() + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("by=" + "x".repeat(8 * 1024))));
                assertThat(r.statusCode()).isEqualTo(413);
                assertThat(r.body()).contains("at most 8 KiB");
            }
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).noneMatch(e -> e.getThrowableProxy() != null);
        assertThat(logs.list)
                .filteredOn(e -> e.getFormattedMessage().contains("form body"))
                .hasSize(3)
                .allSatisfy(e -> assertThat(e.getFormattedMessage()).hasSizeLessThan(200));
    }
}
