package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.testing.RouterHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack of issue 18: a silence whose expression backtracks exponentially ({@code (.*a){20}}) hung the thread
 * that matched it, and with it every notification. Through a whole router: the silence is taken, the alert it is
 * tried on is processed, and another alert is still announced.
 */
class RegexSilenceAttackTest {
    static final String TOKEN = "test-api-token-123";

    @TempDir
    Path home;

    MovableClock clock = new MovableClock(AlertFixture.NIGHT);
    RouterHarness router;

    @AfterEach
    void stop() {
        if (router != null) router.close();
    }

    void start() {
        router = RouterHarness.shipped(home)
                .writeFile("config/alert-rules.yaml", AlertFixture.RULES.replace("groupWait: 30s", "groupWait: 0s"))
                .writeFile("config/escalation.yaml", AlertFixture.POLICIES)
                .setting(AlertModule.SWEEP_TIMER, "false")
                .env("ROUTER_API_TOKEN", TOKEN)
                .clock(clock)
                .start();
    }

    HttpResponse<String> silence(String body) {
        return router.send(HttpRequest.newBuilder(URI.create(router.baseUrl() + "/api/silences"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static Signal alert(String name, String service, String instance) {
        return new Signal(
                "prometheus",
                name,
                Map.of("alertname", name, "service", service, "instance", instance),
                Map.of(),
                Map.of(),
                Signal.State.FIRING,
                Severity.P1,
                AlertFixture.NIGHT,
                null);
    }

    int outboxRowsFor(String alertname) {
        return router.store().read(c -> {
            try (var ps = c.prepareStatement("SELECT COUNT(*) FROM outbox WHERE payload LIKE ?")) {
                ps.setString(1, "%" + alertname + "%");
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Test
    void aBacktrackingSilenceNoLongerStopsPaging() {
        start();
        assertThat(silence("{\"matchRe\": {\"instance\": \"(.*a){20}\"}, \"duration\": \"2h\", \"createdBy\": \"ops\"}")
                        .statusCode())
                .isEqualTo(201);

        var producer = router.app().camel().createProducerTemplate();
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            producer.sendBody(Signal.ENDPOINT, alert("disk-full", "storage", "a".repeat(40) + "!"));
            producer.sendBody(Signal.ENDPOINT, alert("db-down", "database", "db-1"));
        });
        // with a backtracking engine the first send never returns and nothing is announced
        await().atMost(Duration.ofSeconds(30)).until(sent::isDone);
        assertThat(sent).isCompleted();
        assertThat(outboxRowsFor("disk-full")).isPositive();
        assertThat(outboxRowsFor("db-down")).isPositive();

        // the silence still works for what it matches
        producer.sendBody(Signal.ENDPOINT, alert("mem-full", "memory", "a".repeat(40)));
        assertThat(outboxRowsFor("mem-full")).isZero();
    }

    /** A silence stored before expressions were RE2 (a look-ahead) silences nothing and stops nothing. */
    @Test
    void aStoredSilenceRe2CannotCompileIsSkippedAndPagingGoesOn() {
        start();
        router.store().inTransaction(c -> {
            try (var ps = c.prepareStatement(
                    "INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, created_at)"
                            + " VALUES ('s-old', ?, ?, ?, 'ops', 'made before RE2', ?)")) {
                ps.setString(1, "{\"match\": {}, \"matchRe\": {\"instance\": \"(?=db).*\"}}");
                ps.setObject(2, io.opsrouter.store.Sql.ts(AlertFixture.NIGHT.minusSeconds(60)));
                ps.setObject(3, io.opsrouter.store.Sql.ts(AlertFixture.NIGHT.plusSeconds(7200)));
                ps.setObject(4, io.opsrouter.store.Sql.ts(AlertFixture.NIGHT.minusSeconds(60)));
                ps.executeUpdate();
            }
            return null;
        });
        router.app().camel().createProducerTemplate().sendBody(Signal.ENDPOINT, alert("db-down", "database", "db-1"));
        assertThat(outboxRowsFor("db-down")).isPositive();
    }

    @Test
    void expressionsRe2CannotRunAreRefusedWithTheFieldAndTheReason() {
        start();
        HttpResponse<String> lookahead =
                silence("{\"matchRe\": {\"instance\": \"(?=a).*\"}, \"duration\": \"2h\", \"createdBy\": \"ops\"}");
        assertThat(lookahead.statusCode()).isEqualTo(400);
        assertThat(AlertApiTest.json(lookahead).get("field").asText()).isEqualTo("matchRe.instance");
        assertThat(AlertApiTest.json(lookahead).get("error").asText())
                .contains("is not an RE2 regular expression")
                .contains("invalid or unsupported Perl syntax");

        HttpResponse<String> bomb =
                silence("{\"matchRe\": {\"instance\": \"((a{1000}){1000}){1000}\"}, \"duration\": \"2h\","
                        + " \"createdBy\": \"ops\"}");
        assertThat(bomb.statusCode()).isEqualTo(400);
        assertThat(AlertApiTest.json(bomb).get("error").asText()).contains("counted repetitions");

        HttpResponse<String> badName =
                silence("{\"matchRe\": {\"a\\r\\nb\": \"x\"}, \"duration\": \"2h\", \"createdBy\": \"ops\"}");
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(badName.body()).doesNotContain("\\r\\n").doesNotContain("\r\n");
    }
}
