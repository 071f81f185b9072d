package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.opsrouter.notify.channel.HttpPost;
import io.opsrouter.notify.channel.SmsChannel;
import io.opsrouter.outbox.Recipient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Before sending again a message whose claimer died, the SMS channel asks Twilio whether it already took it. */
class SmsAlreadySentTest {
    static final String SID = "AC" + "0123456789abcdef".repeat(2);
    static final Instant T0 = Instant.parse("2026-12-07T05:00:00Z");
    static final String TEXT =
            "[P1] 1 emergency call unprocessed\nSince 00:00: 1 call; sent 2 min late\nOpen the queue";

    HttpServer twilio;
    HttpPost http;
    SmsChannel sms;
    final AtomicReference<String> list = new AtomicReference<>();
    final AtomicReference<String> asked = new AtomicReference<>();
    final AtomicReference<String> secondPage = new AtomicReference<>();
    volatile int status = 200;

    @BeforeEach
    void start() throws Exception {
        twilio = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        twilio.createContext("/", ex -> {
            asked.set(ex.getRequestMethod() + " " + ex.getRequestURI());
            String answer = ex.getRequestURI().toString().contains("Page=1") ? secondPage.get() : list.get();
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        twilio.start();
        http = new HttpPost(Duration.ofSeconds(5));
        sms = new SmsChannel(
                "http://127.0.0.1:" + twilio.getAddress().getPort(),
                SID,
                "token-0123456789abcdef",
                "+15145550100",
                http);
    }

    @AfterEach
    void stop() {
        twilio.stop(0);
        http.close();
    }

    static String taken(String body, Instant at) {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.UTC));
        return "{\"messages\": [{\"to\": \"+15145550111\", \"from\": \"+15145550100\", \"date_created\": \"" + date
                + "\", \"body\": " + io.opsrouter.app.Json.MAPPER.valueToTree(body) + "}]}";
    }

    RenderedMessage message(String text) {
        var n = Notifications.of("k-1", "sms", new Recipient("Pat", "+15145550111", null), "P1", "calls");
        return new RenderedMessage("k-1", n, null, text);
    }

    boolean alreadySent(String text) throws Exception {
        return sms.alreadySent(message(text), T0).toCompletableFuture().get();
    }

    @Test
    void theSameTextTakenAfterTheMessageWasWrittenIsFoundHoweverLateItSaysItIs() throws Exception {
        list.set(taken(TEXT.replace("sent 2 min late", "sent 1 min late"), T0.plusSeconds(70)));
        assertThat(alreadySent(TEXT)).isTrue();
        assertThat(asked.get())
                .startsWith("GET /2010-04-01/Accounts/" + SID + "/Messages.json?To=%2B15145550111&From=%2B15145550100");
    }

    @Test
    void anotherTextOrOneTakenBeforeTheMessageWasWrittenIsNot() throws Exception {
        list.set(taken(TEXT.replace("1 call", "2 calls"), T0.plusSeconds(70)));
        assertThat(alreadySent(TEXT)).as("another text").isFalse();
        list.set(taken(TEXT, T0.minusSeconds(60)));
        assertThat(alreadySent(TEXT)).as("taken before the message was written").isFalse();
        list.set("{\"messages\": []}");
        assertThat(alreadySent(TEXT)).as("nothing taken").isFalse();
    }

    @Test
    void whenTwilioCannotTellTheLookupFailsAndTheMessageIsSent() {
        status = 500;
        list.set("{}");
        assertThatThrownBy(() -> alreadySent(TEXT)).hasCauseInstanceOf(ChannelException.class);
    }

    @Test
    void aLongListIsReadPageByPageUntilItReachesBackToTheMessage() throws Exception {
        String newer = taken("another text", T0.plusSeconds(300));
        list.set(newer.replace(
                "}]}",
                "}], \"next_page_uri\": \"/2010-04-01/Accounts/" + SID
                        + "/Messages.json?To=%2B15145550111&PageSize=1000&Page=1\"}"));
        secondPage.set(taken(TEXT, T0.plusSeconds(5)));
        assertThat(alreadySent(TEXT)).isTrue();
        assertThat(asked.get()).contains("Page=1");
    }
}
