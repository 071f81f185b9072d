package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.opsrouter.app.Json;
import io.opsrouter.notify.channel.SmsSegment;
import io.opsrouter.notify.channel.WebhookChannel;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.testing.RouterHarness;
import jakarta.mail.internet.MimeMessage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
/** Each channel's message as the far side receives it: content, headers, auth, form fields. */
class ChannelMessagesTest {
    static final String SID = "AC0123456789abcdef" + "0123456789abcdef";
    static final String SECRET = "a-webhook-secret-of-32-characters!";

    FakeApi slack;
    FakeApi twilio;
    FakeApi hook;
    GreenMail smtp;
    RouterHarness router;

    @BeforeAll
    void start(@TempDir Path home) {
        slack = new FakeApi();
        twilio = new FakeApi().okBody("{\"sid\": \"SM123\", \"status\": \"queued\"}");
        hook = new FakeApi();
        smtp = new GreenMail(new ServerSetup(RouterHarness.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        smtp.setUser("ops@example.com", "router", "mail-password");
        router = RouterHarness.shipped(home)
                .env("SLACK_WEBHOOK_URL", slack.url() + "/services/T000/B000/XXXX")
                .env("TWILIO_ACCOUNT_SID", SID)
                .env("TWILIO_AUTH_TOKEN", "twilio-token")
                .env("TWILIO_FROM_NUMBER", "+15145550100")
                .env("TWILIO_API_URL", twilio.url())
                .env("WEBHOOK_URL", hook.url() + "/ops/hook")
                .env("WEBHOOK_SECRET", SECRET)
                .env("SMTP_HOST", "127.0.0.1")
                .env("SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()))
                .env("SMTP_USERNAME", "router")
                .env("SMTP_PASSWORD", "mail-password")
                .env("SMTP_FROM", "ops-router@example.com")
                .env("SMTP_STARTTLS", "false")
                .start();
    }

    @AfterAll
    void stop() {
        if (router != null) router.close();
        slack.close();
        twilio.close();
        hook.close();
        smtp.stop();
    }

    @Test
    void slackGetsTheRenderedP1TemplateThroughTheIncomingWebhook() throws Exception {
        Notifications.enqueue(router.store(), Notifications.of("s-1", "slack", null, "P1", "Front end unreachable"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> slack.accepted().stream().anyMatch(x -> x.body().contains("Front end unreachable")));
        FakeApi.Request r = slack.accepted().stream()
                .filter(x -> x.body().contains("Front end unreachable"))
                .findFirst()
                .orElseThrow();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/services/T000/B000/XXXX");
        String text = Json.MAPPER.readTree(r.body()).get("text").asText();
        assertThat(text)
                .startsWith(":rotating_light: *[P1] firing*: Front end unreachable")
                .contains("- SiteDown: Front end unreachable (alertname=SiteDown, service=web)")
                .contains("Values: latency_seconds=2.5 s, status=503")
                .contains("Runbook: https://runbooks.example.com/site-down")
                .contains("Acknowledge: https://ops.example.com/ack/tok-s-1");
        await().until(() -> "sent".equals(Notifications.status(router.store(), "s-1")));
    }

    @Test
    void twilioGetsFormFieldsWithBasicAuthAndOneSegment() {
        Recipient ana = new Recipient("Ana", "+15145550123", "ana@example.com");
        Notifications.enqueue(
                router.store(),
                Notifications.of(
                        "t-1",
                        "sms",
                        ana,
                        "P1",
                        "Emergency call from 514-555-0199 unprocessed for 1 minute, caller waiting on the line about a flooded basement drain"));
        await().atMost(Duration.ofSeconds(10)).until(() -> twilio.accepted().size() == 1);
        FakeApi.Request r = twilio.accepted().get(0);
        assertThat(r.path()).isEqualTo("/2010-04-01/Accounts/" + SID + "/Messages.json");
        assertThat(r.header("Authorization"))
                .isEqualTo("Basic "
                        + Base64.getEncoder().encodeToString((SID + ":twilio-token").getBytes(StandardCharsets.UTF_8)));
        assertThat(r.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        Map<String, String> form = form(r.body());
        assertThat(form).containsEntry("To", "+15145550123").containsEntry("From", "+15145550100");
        String body = form.get("Body");
        // severity and the whole summary first, the link whole last, in one segment: the facts line gave way
        assertThat(body)
                .startsWith("[P1] Emergency call from 514-555-0199 unprocessed for 1 minute, caller waiting on the line"
                        + " about a flooded basement drain\n")
                .endsWith("\nhttps://ops.example.com/ack/tok-t-1");
        assertThat(SmsSegment.isGsm7(body)).isTrue();
        assertThat(SmsSegment.segments(body)).isEqualTo(1);
    }

    @Test
    void webhookIsSignedJsonWithAnIdempotencyKey() throws Exception {
        Notifications.enqueue(router.store(), Notifications.of("w-1", "webhook"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> hook.accepted().stream().anyMatch(x -> "w-1".equals(x.header("Idempotency-Key"))));
        FakeApi.Request r = hook.accepted().stream()
                .filter(x -> "w-1".equals(x.header("Idempotency-Key")))
                .findFirst()
                .orElseThrow();
        assertThat(r.path()).isEqualTo("/ops/hook");
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.header("Idempotency-Key")).isEqualTo("w-1");
        String ts = r.header(WebhookChannel.TIMESTAMP_HEADER);
        assertThat(r.header(WebhookChannel.SIGNATURE_HEADER))
                .isEqualTo(
                        "sha256=" + WebhookChannel.sign(SECRET.getBytes(StandardCharsets.UTF_8), ts + "." + r.body()));
        assertThat(r.header(WebhookChannel.SIGNATURE_HEADER))
                .isNotEqualTo("sha256="
                        + WebhookChannel.sign(
                                "another-secret-xxxxxxxx".getBytes(StandardCharsets.UTF_8), ts + "." + r.body()));
        JsonNode json = Json.MAPPER.readTree(r.body());
        assertThat(json.get("idempotencyKey").asText()).isEqualTo("w-1");
        assertThat(json.get("kind").asText()).isEqualTo("firing");
        assertThat(json.get("severity").asText()).isEqualTo("P2");
        assertThat(json.get("text").asText())
                .startsWith("[P2] firing: Site down: w-1\nSince ")
                .endsWith(": latency seconds 2.5 s");
        assertThat(json.get("alerts").get(0).get("labels").get("service").asText())
                .isEqualTo("web");
        assertThat(json.get("ackUrl").asText()).isEqualTo("https://ops.example.com/ack/tok-w-1");
    }

    @Test
    void emailGoesOverSmtpWithSubjectLinkAndMessageId() throws Exception {
        Recipient ana = new Recipient("Ana", "+15145550123", "ana@example.com");
        Notifications.enqueue(router.store(), Notifications.of("e-1", "email", ana, "P1", "Backups missing"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Arrays.stream(smtp.getReceivedMessages()).anyMatch(x -> id(x).equals("<e-1@ops-router>")));
        MimeMessage m = Arrays.stream(smtp.getReceivedMessages())
                .filter(x -> id(x).equals("<e-1@ops-router>"))
                .findFirst()
                .orElseThrow();
        assertThat(m.getSubject()).isEqualTo("[P1] firing: Backups missing");
        assertThat(m.getAllRecipients()[0].toString()).isEqualTo("ana@example.com");
        assertThat(m.getFrom()[0].toString()).isEqualTo("ops-router@example.com");
        assertThat(m.getMessageID()).isEqualTo("<e-1@ops-router>");
        String body = com.icegreen.greenmail.util.GreenMailUtil.getBody(m);
        assertThat(body)
                .contains("Alerts (1):")
                .contains("- SiteDown: Backups missing")
                .contains("Acknowledge (no login needed): https://ops.example.com/ack/tok-e-1");
    }

    @Test
    void hostileAlertTextCannotPingEveryoneOnSlackNorAddMailHeaders() throws Exception {
        var store = router.store();
        Notifications.enqueue(
                store,
                Notifications.of("h-slack", "slack", null, "P2", "<!channel> ping & <https://evil.example|click>"));
        Recipient ana = new Recipient("Ana", null, "ana@example.com");
        Notifications.enqueue(
                store, Notifications.of("h-mail", "email", ana, "P2", "Disk full\r\nBcc: victim@example.com"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> slack.accepted().stream().anyMatch(r -> r.body().contains("ping")));
        String text = slack.accepted().stream()
                .filter(r -> r.body().contains("ping"))
                .findFirst()
                .orElseThrow()
                .body();
        String slackText = Json.MAPPER.readTree(text).get("text").asText();
        assertThat(slackText)
                .contains("&lt;!channel&gt; ping &amp; &lt;https://evil.example|click&gt;")
                .doesNotContain("<!channel>");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Arrays.stream(smtp.getReceivedMessages()).anyMatch(m -> {
                    try {
                        return m.getSubject().contains("Disk full");
                    } catch (Exception e) {
                        return false;
                    }
                }));
        MimeMessage m = Arrays.stream(smtp.getReceivedMessages())
                .filter(x -> {
                    try {
                        return x.getSubject().contains("Disk full");
                    } catch (Exception e) {
                        return false;
                    }
                })
                .findFirst()
                .orElseThrow();
        assertThat(m.getSubject()).isEqualTo("[P2] firing: Disk full Bcc: victim@example.com");
        assertThat(m.getAllRecipients()).extracting(Object::toString).containsExactly("ana@example.com");
        assertThat(smtp.getReceivedMessagesForDomain("example.com")).noneMatch(x -> {
            try {
                return x.getAllRecipients()[0].toString().contains("victim");
            } catch (Exception e) {
                return true;
            }
        });
    }

    @Test
    void anUnreadableOutboxRowIsDeadAndDoesNotBlockTheChannel() {
        var store = router.store();
        store.inTransaction(c -> {
            try (var ps = c.prepareStatement(
                    "INSERT INTO outbox (idempotency_key, channel, kind, severity, payload, status, attempts,"
                            + " next_attempt_at, created_at) VALUES ('garbage-1', 'webhook', 'firing', 'P1', '{not json', 'pending', 0, ?, ?)")) {
                var now = java.time.OffsetDateTime.now();
                ps.setObject(1, now);
                ps.setObject(2, now);
                return ps.executeUpdate();
            }
        });
        Notifications.enqueue(store, Notifications.of("after-garbage", "webhook"));
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        hook.accepted().stream().anyMatch(r -> "after-garbage".equals(r.header("Idempotency-Key"))));
        assertThat(Notifications.status(store, "garbage-1")).isEqualTo("dead");
        assertThat(router.get("/metrics").body()).contains("channel=\"webhook\",reason=\"unreadable\"");
    }

    @Test
    void everyEnabledChannelHasAHealthPart() {
        String health = router.get("/health").body();
        assertThat(health)
                .contains("channel-slack")
                .contains("channel-email")
                .contains("channel-sms")
                .contains("channel-webhook")
                .contains("channel-log");
        assertThat(health)
                .doesNotContain("twilio-token")
                .doesNotContain("mail-password")
                .doesNotContain(SECRET);
    }

    static String id(MimeMessage m) {
        try {
            return String.valueOf(m.getMessageID());
        } catch (Exception e) {
            return "";
        }
    }

    static Map<String, String> form(String body) {
        return Arrays.stream(body.split("&"))
                .map(p -> p.split("=", 2))
                .collect(Collectors.toMap(
                        p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }
}
