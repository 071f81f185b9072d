package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.app.Json;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.store.StateStore;
import io.opsrouter.testing.OutboxRows;
import io.opsrouter.testing.RouterHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/notifications}: dead letters shown without the phone, counted, retried by hand; hostile input refused. */
class NotificationsApiTest {
    static final String TOKEN = "notifications-api-token-42";
    static final Recipient ANN = new Recipient("Ann", "+15145550123", null);

    @TempDir
    Path home;

    RouterHarness router;
    StateStore store;
    long deadId;

    @BeforeEach
    void start() {
        router = RouterHarness.shipped(home).env("ROUTER_API_TOKEN", TOKEN).start();
        store = router.store();
        deadId = OutboxRows.insert(
                store,
                OutboxRows.firing("dead-1", ChannelName.SMS, ANN, "P2", "web"),
                "dead",
                12,
                "twilio 400: The 'To' number +15145550123 is not a valid phone number",
                Instant.now().minusSeconds(600));
    }

    @AfterEach
    void stop() {
        router.close();
    }

    HttpResponse<String> call(String method, String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(router.baseUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        return router.send(b);
    }

    /** The dead-notification gauge of the SMS channel as /metrics shows it (not the whole page: assertion texts stay short). */
    String deadGauge() {
        String prefix = "ops_router_notifications_dead{channel=\"sms\"} ";
        return router.get("/metrics")
                .body()
                .lines()
                .filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length()))
                .findFirst()
                .orElse("absent");
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void aDeadNotificationIsListedCountedAndRetriedByHandOnce() throws Exception {
        HttpResponse<String> list = call("GET", "/api/notifications?status=dead", TOKEN);
        assertThat(list.statusCode()).isEqualTo(200);
        JsonNode body = json(list);
        assertThat(body.get("count").asInt()).isEqualTo(1);
        assertThat(body.get("dead").get("sms").asLong()).isEqualTo(1);
        JsonNode row = body.get("notifications").get(0);
        assertThat(row.get("id").asLong()).isEqualTo(deadId);
        assertThat(row.get("recipient").asText()).isEqualTo("Ann");
        assertThat(row.get("attempts").asInt()).isEqualTo(12);
        assertThat(row.get("lastError").asText())
                .isEqualTo("twilio 400: The 'To' number <recipient> is not a valid phone number");
        assertThat(list.body()).doesNotContain("5550123");
        await().atMost(Duration.ofSeconds(10)).until(() -> deadGauge().equals("1.0"));

        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(NotificationsResource.class);
        lines.start();
        logger.addAppender(lines);
        HttpResponse<String> retry;
        try {
            retry = call("POST", "/api/notifications/" + deadId + "/retry", TOKEN);
        } finally {
            logger.detachAppender(lines);
        }
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(lines.list)
                .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .containsExactly("notification " + deadId + " (P2 firing sms to Ann) retried by hand: pending again,"
                        + " due now");
        assertThat(json(retry).get("status").asText()).isEqualTo("pending");
        assertThat(json(retry).get("attempts").asInt()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(OutboxRows.status(store, deadId)));
        await().atMost(Duration.ofSeconds(10)).until(() -> deadGauge().equals("0.0"));

        HttpResponse<String> again = call("POST", "/api/notifications/" + deadId + "/retry", TOKEN);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).get("error").asText())
                .isEqualTo("notification " + deadId + " is sent, not dead: only a dead notification can be retried");
        assertThat(json(call("GET", "/api/notifications?status=sent&channel=sms", TOKEN))
                        .get("count")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void hostileIdsAreRefusedWithAClearErrorAndNothingChanges() throws Exception {
        HttpResponse<String> unknown = call("POST", "/api/notifications/987654321/retry", TOKEN);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").asText()).isEqualTo("no notification with id 987654321");
        for (String bad : new String[] {
            "abc", "-1", "0", "1e3", "99999999999999999999999", "9223372036854775808", "1%20OR%201=1", "%00", "12.5"
        }) {
            HttpResponse<String> r = call("POST", "/api/notifications/" + bad + "/retry", TOKEN);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(r).get("error").asText())
                    .as(bad)
                    .isEqualTo("the id must be a notification id, a whole number such as 42");
        }
        String huge = "1".repeat(5000);
        assertThat(call("POST", "/api/notifications/" + huge + "/retry", TOKEN).statusCode())
                .isIn(400, 414, 431);
        assertThat(OutboxRows.status(store, deadId)).isEqualTo("dead");
    }

    @Test
    void withoutTheTokenNothingIsShownNorRetried() {
        for (String token : new String[] {null, "wrong-token-0000000"}) {
            HttpResponse<String> list = call("GET", "/api/notifications?status=dead", token);
            assertThat(list.statusCode()).isEqualTo(401);
            assertThat(list.body()).doesNotContain("Ann", "dead-1");
            assertThat(call("POST", "/api/notifications/" + deadId + "/retry", token)
                            .statusCode())
                    .isEqualTo(401);
        }
        assertThat(OutboxRows.status(store, deadId)).isEqualTo("dead");
    }

    @Test
    void badListParametersNameWhatIsWrong() throws Exception {
        String[][] cases = {
            {"status=lost", "status must be one of pending, sending, sent, folded, dead", "status"},
            {"channel=pager", "channel must be one of slack, email, sms, webhook, log", "channel"},
            {"limit=0", "limit must be a number from 1 to 1000", "limit"},
            {"limit=100000", "limit must be a number from 1 to 1000", "limit"},
            {"before=x", "before must be a notification id (a whole number) from a previous page", "before"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = call("GET", "/api/notifications?" + c[0], TOKEN);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(json(r).get("error").asText()).as(c[0]).isEqualTo(c[1]);
            assertThat(json(r).get("field").asText()).as(c[0]).isEqualTo(c[2]);
        }
    }

    @Test
    void pagesFollowTheBeforeCursor() throws Exception {
        for (int i = 2; i <= 5; i++)
            OutboxRows.insert(
                    store,
                    OutboxRows.firing("dead-" + i, ChannelName.SLACK, null, "P3", "web"),
                    "dead",
                    12,
                    "slack 404",
                    Instant.now());
        JsonNode first = json(call("GET", "/api/notifications?limit=3", TOKEN));
        assertThat(first.get("count").asInt()).isEqualTo(3);
        long before = first.get("before").asLong();
        JsonNode second = json(call("GET", "/api/notifications?limit=3&before=" + before, TOKEN));
        assertThat(second.get("count").asInt()).isEqualTo(2);
        assertThat(second.get("before").isNull()).isTrue();
        assertThat(second.get("notifications").get(1).get("id").asLong()).isEqualTo(deadId);
    }
}
