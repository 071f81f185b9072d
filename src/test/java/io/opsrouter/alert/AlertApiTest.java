package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.app.Json;
import io.opsrouter.app.StartupException;
import io.opsrouter.testing.RouterHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert API and the acknowledgement link, through a whole router and a real HTTP client. */
class AlertApiTest {
    static final String TOKEN = "test-api-token-123";

    @TempDir
    Path home;

    MovableClock clock = new MovableClock(AlertFixture.NIGHT);
    RouterHarness router;

    RouterHarness start(boolean withToken) {
        router = RouterHarness.shipped(home)
                .writeFile("config/alert-rules.yaml", AlertFixture.RULES.replace("groupWait: 30s", "groupWait: 0s"))
                .writeFile("config/escalation.yaml", AlertFixture.POLICIES)
                .setting(AlertModule.SWEEP_TIMER, "false")
                .clock(clock);
        if (withToken) router.env("ROUTER_API_TOKEN", TOKEN);
        return router.start();
    }

    @AfterEach
    void stop() {
        if (router != null) router.close();
    }

    void fire(Signal s) {
        router.app().camel().createProducerTemplate().sendBody(Signal.ENDPOINT, s);
    }

    HttpResponse<String> api(String method, String path, String body) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(router.baseUrl() + path)).header("Authorization", "Bearer " + TOKEN);
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        return router.send(b);
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    List<String[]> outbox() {
        var store = router.store();
        return store.read(c -> {
            List<String[]> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT channel, kind, payload FROM outbox ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
            return rows;
        });
    }

    String ackUrl() {
        for (String[] r : outbox()) {
            JsonNode n = Json.MAPPER.valueToTree(Json.MAPPER.convertValue(readTree(r[2]), Map.class));
            if (n.hasNonNull("ackUrl")) return n.get("ackUrl").asText();
        }
        throw new AssertionError("no message with an ack link");
    }

    /** The annotations of the first alert of the first outbox message of this kind. */
    JsonNode notice(String kind) {
        return outbox().stream()
                .filter(r -> r[1].equals(kind))
                .map(r -> readTree(r[2]).get("alerts").get(0).get("annotations"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " message"));
    }

    /** The signed token a message's short link ({@code /a/<code>}) stands for. */
    String tokenOf(String shortUrl) {
        String code = shortUrl.substring(shortUrl.lastIndexOf('/') + 1);
        return router.store().read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT token FROM ack_codes WHERE code = ?")) {
                ps.setString(1, code);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw new AssertionError("no ack code " + code);
                    return rs.getString(1);
                }
            }
        });
    }

    static JsonNode readTree(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theApiIsClosedUntilATokenIsSet() {
        start(false);
        HttpResponse<String> r = router.get("/api/alerts");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).contains("application/json"));
        assertThat(json(r).get("error").asText()).contains("ROUTER_API_TOKEN");
        assertThat(json(r).get("field").asText()).isEqualTo("Authorization");
    }

    @Test
    void listFilterShowAcknowledgeAndResolveOverHttp() {
        start(true);
        assertThat(router.get("/api/alerts").statusCode()).isEqualTo(401);
        assertThat(router.send(HttpRequest.newBuilder(URI.create(router.baseUrl() + "/api/alerts"))
                                .header("Authorization", "Bearer wrong"))
                        .statusCode())
                .isEqualTo(401);

        fire(AlertFixture.firing("frontend", "frontend"));
        fire(AlertFixture.firing("supabase-rest", "backend"));
        fire(new Signal(
                "webhook",
                "disk",
                Map.of("alertname", "disk", "service", "db"),
                Map.of(),
                Map.of(),
                Signal.State.FIRING,
                Severity.P3,
                clock.instant(),
                null));

        router.app()
                .camel()
                .getRegistry()
                .lookupByNameAndType("alertEngine", AlertEngine.class)
                .refreshMeters();
        assertThat(router.get("/metrics").body())
                .contains("ops_router_alerts_firing{severity=\"P1\"} 2.0")
                .contains("ops_router_alerts_firing{severity=\"P3\"} 1.0");
        JsonNode all = json(api("GET", "/api/alerts", null));
        assertThat(all.get("count").asInt()).isEqualTo(3);
        JsonNode p1 = json(api("GET", "/api/alerts?status=firing&severity=P1&label=service=frontend", null));
        assertThat(p1.get("count").asInt()).isEqualTo(1);
        String id = p1.get("alerts").get(0).get("id").asText();
        assertThat(p1.get("alerts").get(0).get("labels").get("monitor").asText())
                .isEqualTo("frontend");
        assertThat(json(api("GET", "/api/alerts?severity=P9", null))
                        .get("field")
                        .asText())
                .isEqualTo("severity");
        assertThat(api("GET", "/api/alerts?status=burning", null).statusCode()).isEqualTo(400);
        assertThat(api("GET", "/api/alerts?label=oops", null).statusCode()).isEqualTo(400);
        assertThat(api("GET", "/api/alerts?limit=0", null).statusCode()).isEqualTo(400);

        JsonNode one = json(api("GET", "/api/alerts/" + id, null));
        assertThat(one.get("status").asText()).isEqualTo("firing");
        assertThat(one.get("history").findValuesAsText("event")).contains("fired", "notified");
        assertThat(api("GET", "/api/alerts/nope", null).statusCode()).isEqualTo(404);

        assertThat(json(api("POST", "/api/alerts/" + id + "/ack", "{}"))
                        .get("field")
                        .asText())
                .isEqualTo("by");
        assertThat(api("POST", "/api/alerts/" + id + "/ack", "{not json").statusCode())
                .isEqualTo(400);
        assertThat(api("POST", "/api/alerts/" + id + "/ack", "[1]").statusCode())
                .isEqualTo(400);
        assertThat(api("POST", "/api/alerts/" + id + "/ack", "{\"by\": \"<script>\"}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(api("POST", "/api/alerts/" + id + "/ack", "{\"by\": \"" + "x".repeat(70_000) + "\"}")
                        .statusCode())
                .isEqualTo(413);
        assertThat(api("POST", "/api/alerts/nope/ack", "{\"by\": \"pat\"}").statusCode())
                .isEqualTo(404);
        int before = outbox().size();
        HttpResponse<String> ack = api("POST", "/api/alerts/" + id + "/ack", "{\"by\": \"Pat Primary\"}");
        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(json(ack).get("status").asText()).isEqualTo("acknowledged");
        assertThat(json(ack).get("acknowledgedBy").asText()).isEqualTo("Pat Primary");
        assertThat(outbox().subList(before, outbox().size()))
                .extracting(r -> r[1])
                .containsOnly("acknowledged")
                .hasSize(2);
        assertThat(api("POST", "/api/alerts/" + id + "/ack", "{\"by\": \"Sam\"}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(outbox()).hasSize(before + 2);

        HttpResponse<String> res = api("POST", "/api/alerts/" + id + "/resolve", null);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(json(res).get("status").asText()).isEqualTo("resolved");
        assertThat(json(res).get("resolvedBy").asText()).isEqualTo("api");
        assertThat(api("POST", "/api/alerts/" + id + "/ack", "{\"by\": \"pat\"}")
                        .statusCode())
                .isEqualTo(409);
        assertThat(api("POST", "/api/alerts/" + id + "/resolve", "{\"by\": \"pat\"}")
                        .statusCode())
                .isEqualTo(409);
        assertThat(api("DELETE", "/api/alerts/" + id, null).statusCode()).isEqualTo(405);

        // hostile input: answered with JSON, never a stack trace
        assertThat(api("GET", "/api/alerts/%27%20OR%201%3D1--", null).statusCode())
                .isEqualTo(404);
        assertThat(json(api("GET", "/api/alerts?label=service=%E2%9C%93%27%22%3C", null))
                        .get("count")
                        .asInt())
                .isZero();
        HttpResponse<String> huge = api("GET", "/api/alerts?status=" + "x".repeat(4000), null);
        assertThat(huge.statusCode()).isBetween(400, 431);
        assertThat(huge.body()).doesNotContain("Exception");
        assertThat(api("POST", "/api/alerts/" + id + "/ack", "{\"by\": 42}").statusCode())
                .isEqualTo(400);
        assertThat(api("POST", "/api/alerts/" + id + "/ack", "{\"by\": {\"a\": 1}}")
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void silencesAreMadeListedAndEndedOverHttp() {
        start(true);
        HttpResponse<String> made = api(
                "POST",
                "/api/silences",
                "{\"match\": {\"service\": \"frontend\"}, \"duration\": \"2h\", \"createdBy\": \"ops\", \"comment\": \"deploy\"}");
        assertThat(made.statusCode()).isEqualTo(201);
        String id = json(made).get("id").asText();
        assertThat(json(made).get("endsAt").asText())
                .isEqualTo(AlertFixture.NIGHT.plus(Duration.ofHours(2)).toString());

        fire(AlertFixture.firing("frontend", "frontend"));
        assertThat(outbox()).isEmpty();
        assertThat(json(api("GET", "/api/silences", null)).get("count").asInt()).isEqualTo(1);

        assertThat(json(api("POST", "/api/silences", "{\"duration\": \"1h\", \"createdBy\": \"ops\"}"))
                        .get("field")
                        .asText())
                .isEqualTo("match");
        assertThat(json(api(
                                "POST",
                                "/api/silences",
                                "{\"match\": {\"bad-name\": \"x\"}, \"duration\": \"1h\", \"createdBy\": \"ops\"}"))
                        .get("field")
                        .asText())
                .isEqualTo("match");
        assertThat(json(api(
                                "POST",
                                "/api/silences",
                                "{\"matchRe\": {\"service\": \"(\"}, \"duration\": \"1h\", \"createdBy\": \"ops\"}"))
                        .get("field")
                        .asText())
                .isEqualTo("matchRe.service");
        assertThat(json(api(
                                "POST",
                                "/api/silences",
                                "{\"match\": {\"service\": \"x\"}, \"duration\": \"soon\", \"createdBy\": \"ops\"}"))
                        .get("field")
                        .asText())
                .isEqualTo("duration");
        assertThat(json(api(
                                "POST",
                                "/api/silences",
                                "{\"match\": {\"service\": \"x\"}, \"endsAt\": \"2020-01-01T00:00:00Z\","
                                        + " \"createdBy\": \"ops\"}"))
                        .get("field")
                        .asText())
                .isEqualTo("endsAt");
        assertThat(json(api("POST", "/api/silences", "{\"match\": {\"service\": \"x\"}, \"duration\": \"1h\"}"))
                        .get("field")
                        .asText())
                .isEqualTo("createdBy");
        assertThat(api("POST", "/api/silences", "nope").statusCode()).isEqualTo(400);

        assertThat(api("DELETE", "/api/silences/" + id, null).statusCode()).isEqualTo(200);
        assertThat(api("DELETE", "/api/silences/s-unknown", null).statusCode()).isEqualTo(404);
        assertThat(json(api("GET", "/api/silences", null)).get("count").asInt()).isZero();
        assertThat(json(api("GET", "/api/silences?all=true", null)).get("count").asInt())
                .isEqualTo(1);
    }

    @Test
    void theAckLinkShowsOnGetAndAcknowledgesOnlyOnPost() {
        start(true);
        fire(AlertFixture.firing("frontend", "frontend"));
        String url = ackUrl();
        // the message carries the short link; it stands for the signed token
        assertThat(url).startsWith(router.baseUrl().replace("127.0.0.1", "localhost") + "/a/");
        assertThat(url.substring(url.lastIndexOf('/') + 1)).matches("[0-9A-HJKMNP-TV-Z]{8}");
        String path = url.substring(url.indexOf("/a/"));

        // link previews (Slack unfurling, SMS) fetch the URL: that must not acknowledge
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> page = router.get(path);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(page.body())
                    .contains("<form method=\"post\"")
                    .contains("frontend is unreachable")
                    .contains("Acknowledge");
        }
        assertThat(json(api("GET", "/api/alerts?status=firing", null))
                        .get("count")
                        .asInt())
                .isEqualTo(1);

        HttpResponse<String> done = router.send(HttpRequest.newBuilder(URI.create(router.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("by=Pat+Primary")));
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("Acknowledged by Pat Primary");
        JsonNode acked = json(api("GET", "/api/alerts?status=acknowledged", null));
        assertThat(acked.get("count").asInt()).isEqualTo(1);
        assertThat(acked.get("alerts").get(0).get("acknowledgedBy").asText()).isEqualTo("Pat Primary");
        assertThat(acked.get("alerts").get(0).get("acknowledgedVia").asText()).isEqualTo("link");
        // the acknowledged notice names who and how; the resolved one after it, who acknowledged and when it ended
        JsonNode ackNote = notice("acknowledged");
        assertThat(ackNote.get("acknowledged_by").asText()).isEqualTo("Pat Primary");
        assertThat(ackNote.get("acknowledged_via").asText()).isEqualTo("link");
        assertThat(ackNote.hasNonNull("acknowledged_at")).isTrue();
        String id = acked.get("alerts").get(0).get("id").asText();
        assertThat(api("POST", "/api/alerts/" + id + "/resolve", "{\"by\": \"pat\"}")
                        .statusCode())
                .isEqualTo(200);
        JsonNode resolvedNote = notice("resolved");
        assertThat(resolvedNote.get("acknowledged_by").asText()).isEqualTo("Pat Primary");
        assertThat(resolvedNote.get("acknowledged_via").asText()).isEqualTo("link");
        assertThat(resolvedNote.hasNonNull("resolved_at")).isTrue();

        // the long token the code stands for opens the same page
        String token = tokenOf(url);
        assertThat(router.get("/ack/" + token).body()).contains("frontend is unreachable");
        // tampered: one character of the signature changed
        char last = token.charAt(token.length() - 1);
        String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThat(router.get("/ack/" + tampered).statusCode()).isEqualTo(403);
        int mid = token.indexOf('.') + 5;
        String tamperedMid =
                token.substring(0, mid) + (token.charAt(mid) == 'x' ? 'y' : 'x') + token.substring(mid + 1);
        assertThat(router.get("/ack/" + tamperedMid).statusCode()).isEqualTo(403);
        String otherPayload = java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("v1|9999999999|someone-else".getBytes())
                + token.substring(token.indexOf('.'));
        assertThat(router.send(HttpRequest.newBuilder(URI.create(router.baseUrl() + "/ack/" + otherPayload))
                                .POST(HttpRequest.BodyPublishers.noBody()))
                        .statusCode())
                .isEqualTo(403);
        assertThat(router.get("/ack/garbage").statusCode()).isEqualTo(400);
        assertThat(router.get("/ack/" + "a".repeat(3000) + ".b").statusCode()).isEqualTo(400);

        // expired: the link lives 24 hours, the short one exactly like the long one
        clock.advance(Duration.ofHours(25));
        HttpResponse<String> expired = router.send(HttpRequest.newBuilder(URI.create(router.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString("by=late")));
        assertThat(expired.statusCode()).isEqualTo(410);
        assertThat(expired.body()).contains("expired");
        assertThat(router.get("/ack/" + token).statusCode()).isEqualTo(410);
    }

    @Test
    void theShortLinkResolvesLikeTheLongTokenAndExpiresAtTheSameMoment() {
        start(true);
        fire(AlertFixture.firing("frontend", "frontend"));
        String url = ackUrl();
        String code = url.substring(url.lastIndexOf('/') + 1);
        String token = tokenOf(url);
        // typed by hand or rewritten by a phone: case does not matter
        assertThat(router.get("/a/" + code.toLowerCase(java.util.Locale.ROOT)).statusCode())
                .isEqualTo(200);
        // just before the token's expiry both open; at it, both say expired
        clock.advance(Duration.ofHours(24).minusSeconds(2));
        assertThat(router.get("/a/" + code).statusCode()).isEqualTo(200);
        assertThat(router.get("/ack/" + token).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(3));
        HttpResponse<String> shortOne = router.get("/a/" + code);
        HttpResponse<String> longOne = router.get("/ack/" + token);
        assertThat(shortOne.statusCode()).isEqualTo(410);
        assertThat(longOne.statusCode()).isEqualTo(410);
        assertThat(shortOne.body()).isEqualTo(longOne.body());
        assertThat(json(api("GET", "/api/alerts?status=firing", null))
                        .get("count")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void unknownOrMalformedShortCodesAreRefusedAndGuessingIsThrottledPerAddress() {
        start(true);
        fire(AlertFixture.firing("frontend", "frontend"));
        String url = ackUrl();
        String code = url.substring(url.lastIndexOf('/') + 1);
        String unknown = code.equals("ZZZZZZZZ") ? "YYYYYYYY" : "ZZZZZZZZ";
        List<String> wrong = List.of(
                unknown,
                "abc",
                "UUUUUUUU",
                "%3Cscript%3E",
                "A".repeat(40),
                "7KQ2XM8",
                "7KQ2XM8P9",
                "....----",
                "%00%00%00%00%00%00%00%00",
                unknown);
        for (String w : wrong) {
            HttpResponse<String> r = router.get("/a/" + w);
            assertThat(r.statusCode()).as(w).isEqualTo(404);
            assertThat(r.body()).as(w).contains("not an acknowledgement link").doesNotContain("<script>");
        }
        // the address spent its budget of failed tokens (10 a minute): even the right code waits, or guessing pays
        HttpResponse<String> throttled = router.get("/a/" + code);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        HttpResponse<String> post = router.send(HttpRequest.newBuilder(URI.create(router.baseUrl() + "/a/" + code))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("by=Guesser")));
        assertThat(post.statusCode()).isEqualTo(429);
        assertThat(json(api("GET", "/api/alerts?status=acknowledged", null))
                        .get("count")
                        .asInt())
                .isZero();
    }

    @Test
    void aStoreThatDoesNotAnswerGivesA503InJsonNotAStackTrace() {
        start(true);
        fire(AlertFixture.firing("frontend", "frontend"));
        String path = ackUrl();
        path = path.substring(path.indexOf("/a/"));
        router.store().close();
        HttpResponse<String> r = api("GET", "/api/alerts", null);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).get("error").asText()).contains("try again");
        assertThat(r.body()).doesNotContain("at io.opsrouter");
        HttpResponse<String> page = router.get(path);
        assertThat(page.statusCode()).isEqualTo(503);
        assertThat(page.body()).contains("Try again");
    }

    @Test
    void aBrokenRulesFileStopsStartUpNamingTheFile() {
        router = RouterHarness.shipped(home)
                .writeFile("config/alert-rules.yaml", "rules:\n  - name: x\n    match: {a: b}\n    severity: P7\n");
        assertThatThrownBy(() -> router.start())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("config/alert-rules.yaml")
                .hasMessageContaining("'P7' is not a severity");
        router = RouterHarness.shipped(home).env("ONCALL_PRIMARY_EMAIL", "not-an-address");
        assertThatThrownBy(() -> router.start())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("config/escalation.yaml")
                .hasMessageContaining("people.primary.email");
    }
}
