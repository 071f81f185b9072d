package io.opsrouter.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.RouterHarness;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated requests against the API, the acknowledge link and {@code /health} of a whole router: any method,
 * path, query, credentials, content type, origin and body. Every answer is 2xx, 3xx or 4xx, never a 5xx, and
 * every request is answered (a stall fails the send's timeout).
 */
class HostileHttpTest {
    static final String TOKEN = "hostile-http-api-token";
    static Path home;
    static RouterHarness router;
    static final java.util.Map<String, Integer> ANSWERS = new java.util.concurrent.ConcurrentSkipListMap<>();

    @BeforeContainer
    static void start() throws IOException {
        home = Files.createTempDirectory("hostile-http");
        router = RouterHarness.shipped(home)
                .env("ROUTER_API_TOKEN", TOKEN)
                .setting("alerts.sweep-timer", "false")
                .start();
    }

    @AfterContainer
    static void stop() {
        try {
            assertThat(router.get("/health").statusCode()).as("still serving").isEqualTo(200);
            System.out.println("hostile HTTP requests, answers by status: " + ANSWERS);
        } finally {
            router.close();
        }
    }

    @Property(tries = 300)
    void everyAnswerIsBelow500(
            @ForAll("methods") String method,
            @ForAll("paths") String path,
            @ForAll("queries") String query,
            @ForAll("authorizations") String authorization,
            @ForAll("types") String type,
            @ForAll("origins") String origin,
            @ForAll("bodies") String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(router.baseUrl() + path + query));
        boolean noBody = body.isEmpty() || method.equals("GET") || method.equals("HEAD");
        b.method(method, noBody ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (!authorization.isEmpty()) b.header("Authorization", authorization);
        if (!type.isEmpty()) b.header("Content-Type", type);
        if (!origin.isEmpty()) b.header("Origin", origin);
        HttpResponse<String> r;
        try {
            r = router.send(b);
        } catch (java.io.UncheckedIOException e) {
            // a large body may be refused (413) and the connection closed while the client still writes it: the
            // client sees a broken pipe instead of the answer. A stall is a timeout, which is not caught here.
            assertThat(e.getCause()).isNotInstanceOf(java.net.http.HttpTimeoutException.class);
            assertThat(noBody || body.length() <= 8192)
                    .as("only a large body may be cut off: %s %s%s", method, path, query)
                    .isFalse();
            assertThat(router.get("/health").statusCode()).as("still serving").isEqualTo(200);
            ANSWERS.merge("cut off", 1, Integer::sum);
            return;
        }
        ANSWERS.merge(String.valueOf(r.statusCode()), 1, Integer::sum);
        assertThat(r.statusCode())
                .as("%s %s%s -> %s", method, path, query, r.body())
                .isBetween(200, 499);
        assertThat(r.body()).doesNotContain("\tat ").doesNotContain("Exception:");
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS");
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> segment = Arbitraries.oneOf(
                Arbitraries.strings()
                        .ofMinLength(0)
                        .ofMaxLength(40)
                        .map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8)),
                Arbitraries.of("1", "nope", "..", "%2e%2e", "%00", "a.b", "' OR 1=1--", "x".repeat(2000))
                        .map(s -> s.contains("%") ? s : URLEncoder.encode(s, StandardCharsets.UTF_8)));
        Arbitrary<String> template = Arbitraries.of(
                "/api/alerts",
                "/api/alerts/%s",
                "/api/alerts/%s/ack",
                "/api/alerts/%s/resolve",
                "/api/silences",
                "/api/silences/%s",
                "/ack/%s",
                "/a/%s",
                "/health",
                "/metrics",
                "/api/monitors",
                "/api/notifications",
                "/api/notifications/%s/retry",
                "/api/%s",
                "/%s");
        return template.flatMap(t -> segment.map(s -> t.contains("%s") ? t.replace("%s", s) : t));
    }

    @Provide
    Arbitrary<String> queries() {
        return Arbitraries.oneOf(
                Arbitraries.just(""),
                Arbitraries.of("status", "severity", "label", "limit", "all", "by", "channel", "before")
                        .flatMap(k -> Arbitraries.strings()
                                .ofMaxLength(30)
                                .map(v -> "?" + k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8))));
    }

    @Provide
    Arbitrary<String> authorizations() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "",
                        "Bearer " + TOKEN,
                        "Basic "
                                + java.util.Base64.getEncoder()
                                        .encodeToString((":" + TOKEN).getBytes(StandardCharsets.UTF_8)),
                        "Bearer",
                        "Basic !!!",
                        "Bearer " + TOKEN + "x"),
                Arbitraries.strings().ascii().ofMaxLength(60).map(s -> s.replaceAll("[\\r\\n\\x00-\\x1f\\x7f]", "")));
    }

    @Provide
    Arbitrary<String> types() {
        return Arbitraries.of(
                "",
                "application/json",
                "application/x-www-form-urlencoded",
                "text/plain",
                "multipart/form-data",
                "application/json; charset=latin1",
                "garbage");
    }

    @Provide
    Arbitrary<String> origins() {
        return Arbitraries.of(
                "",
                "https://evil.example",
                "null",
                router == null ? "" : router.baseUrl(),
                "http://[::1",
                "javascript:");
    }

    @Provide
    Arbitrary<String> bodies() {
        return Arbitraries.oneOf(
                Arbitraries.just(""),
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.of(
                        "{}",
                        "[]",
                        "null",
                        "{\"by\": 42}",
                        "{\"by\": \"Pat\"}",
                        "{\"match\": {\"service\": \"x\"}, \"duration\":" + " \"999999999h\", \"createdBy\": \"ops\"}",
                        "{\"matchRe\": {\"a\": \"(\"}}",
                        "by=Pat",
                        "by=%ZZ",
                        "{\"startsAt\": \"+300000-01-01T00:00:00Z\", \"match\": {\"a\": \"b\"}, \"duration\": \"1h\", \"createdBy\": \"x\"}",
                        "{".repeat(5000),
                        "x".repeat(70_000)));
    }
}
