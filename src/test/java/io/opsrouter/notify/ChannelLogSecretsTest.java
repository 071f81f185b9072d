package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.testing.RouterHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** With the shipped logging configuration at TRACE, a Slack and a Twilio send leave no credential in the output (issue 18, finding 6). */
class ChannelLogSecretsTest {
    static final String SID = "AC0123456789abcdef" + "0123456789abcdef";
    static final String TWILIO_TOKEN = "twilio-token-very-secret-42";
    static final String WEBHOOK_PATH = "/services/T0SECRET/B0SECRET/WebhookSecretPart42";

    @TempDir
    Path home;

    @Test
    void slackAndTwilioSendsAtTraceLogNoTokenAuthHeaderOrWebhookPath() throws Exception {
        String output;
        try (FakeApi slack = new FakeApi();
                FakeApi twilio = new FakeApi().okBody("{\"sid\": \"SM123\", \"status\": \"queued\"}")) {
            output = withShippedLoggingAtTrace(() -> {
                try (RouterHarness router = RouterHarness.shipped(home)
                        .env("SLACK_WEBHOOK_URL", slack.url() + WEBHOOK_PATH)
                        .env("TWILIO_ACCOUNT_SID", SID)
                        .env("TWILIO_AUTH_TOKEN", TWILIO_TOKEN)
                        .env("TWILIO_FROM_NUMBER", "+15145550100")
                        .env("TWILIO_API_URL", twilio.url())
                        .start()) {
                    Notifications.enqueue(
                            router.store(),
                            Notifications.of("log-s", "slack", null, "P1", "Drain line blocked"),
                            Notifications.of(
                                    "log-t",
                                    "sms",
                                    new Recipient("Ana", "+15145550123", null),
                                    "P1",
                                    "Drain line blocked"));
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> "sent".equals(Notifications.status(router.store(), "log-s"))
                                    && "sent".equals(Notifications.status(router.store(), "log-t")));
                }
            });
            assertThat(slack.accepted()).as("the stand-ins were really called").isNotEmpty();
            assertThat(twilio.accepted().get(0).header("Authorization")).contains(basic());
        }
        assertThat(output).as("DEBUG output was captured").contains(" DEBUG ");
        assertThat(output)
                .doesNotContain(TWILIO_TOKEN)
                .doesNotContain(basic())
                .doesNotContain("WebhookSecretPart42")
                .doesNotContain("B0SECRET/WebhookSecretPart42");
    }

    static String basic() {
        return Base64.getEncoder().encodeToString((SID + ":" + TWILIO_TOKEN).getBytes(StandardCharsets.UTF_8));
    }

    /** Runs {@code work} with logback configured from the shipped logback.xml, ROUTER_LOG_LEVEL=TRACE, and returns all it printed. */
    static String withShippedLoggingAtTrace(Runnable work) throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        URL shipped = ChannelLogSecretsTest.class.getClassLoader().getResource("logback.xml");
        URL testConfig = ChannelLogSecretsTest.class.getClassLoader().getResource("logback-test.xml");
        PrintStream old = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String oldLevel = System.getProperty("ROUTER_LOG_LEVEL");
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setProperty("ROUTER_LOG_LEVEL", "TRACE");
            configure(ctx, shipped);
            work.run();
        } finally {
            System.setOut(old);
            if (oldLevel == null) System.clearProperty("ROUTER_LOG_LEVEL");
            else System.setProperty("ROUTER_LOG_LEVEL", oldLevel);
            configure(ctx, testConfig);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static void configure(LoggerContext ctx, URL config) throws Exception {
        ctx.reset();
        JoranConfigurator j = new JoranConfigurator();
        j.setContext(ctx);
        j.doConfigure(config);
    }
}
