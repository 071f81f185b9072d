package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.app.Json;
import io.opsrouter.testing.RouterHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The acknowledge page cannot be framed, and only a form from the page itself acknowledges. */
class AckPageSecurityTest {
    static final String TOKEN = "ack-page-test-api-token";

    @TempDir
    Path home;

    RouterHarness router;
    String path;

    @BeforeEach
    void start() {
        router = RouterHarness.shipped(home)
                .writeFile("config/alert-rules.yaml", AlertFixture.RULES.replace("groupWait: 30s", "groupWait: 0s"))
                .writeFile("config/escalation.yaml", AlertFixture.POLICIES)
                .setting(AlertModule.SWEEP_TIMER, "false")
                .clock(new MovableClock(AlertFixture.NIGHT))
                .env("ROUTER_API_TOKEN", TOKEN)
                .start();
        router.app()
                .camel()
                .createProducerTemplate()
                .sendBody(Signal.ENDPOINT, AlertFixture.firing("frontend", "frontend"));
        String url = router.store().read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT payload FROM outbox ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JsonNode n = Json.MAPPER.readTree(rs.getString(1));
                    if (n.hasNonNull("ackUrl")) return n.get("ackUrl").asText();
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new AssertionError(e);
            }
            throw new AssertionError("no message with an ack link");
        });
        path = url.substring(url.indexOf("/a/"));
    }

    @AfterEach
    void stop() {
        if (router != null) router.close();
    }

    HttpResponse<String> post(String header, String value) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(router.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("by=Mallory"));
        if (header != null) b.header(header, value);
        return router.send(b);
    }

    int acknowledged() {
        HttpResponse<String> r =
                router.send(HttpRequest.newBuilder(URI.create(router.baseUrl() + "/api/alerts?status=acknowledged"))
                        .header("Authorization", "Bearer " + TOKEN));
        return AlertApiTest.json(r).get("count").asInt();
    }

    @Test
    void thePageForbidsFramingAndSaysWhatItMayLoad() {
        HttpResponse<String> page = router.get(path);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(v -> assertThat(v)
                        .contains("frame-ancestors 'none'")
                        .contains("default-src 'none'")
                        .contains("form-action 'self'"));
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void aFormPostedFromAnotherSiteIsRefused() {
        HttpResponse<String> evil = post("Origin", "https://evil.example");
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(evil.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(post("Sec-Fetch-Site", "cross-site").statusCode()).isEqualTo(403);
        assertThat(post("Sec-Fetch-Site", "same-site").statusCode()).isEqualTo(403);
        assertThat(post("Origin", "null").statusCode()).isEqualTo(403);
        assertThat(acknowledged()).isZero();
    }

    @Test
    void aFormFromThePageItselfAcknowledges() {
        HttpResponse<String> same = post("Origin", router.baseUrl());
        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(same.body()).contains("Acknowledged by Mallory");
        assertThat(acknowledged()).isEqualTo(1);
    }

    @Test
    void aFormTheBrowserMarksSameOriginAcknowledges() {
        assertThat(post("Sec-Fetch-Site", "same-origin").statusCode()).isEqualTo(200);
        assertThat(acknowledged()).isEqualTo(1);
    }
}
