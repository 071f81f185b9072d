package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.testing.RouterHarness;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** One INFO line per delivered message: channel, what, to whom by name, attempt; never the phone number or the text. */
class DeliveryLogTest {
    @TempDir
    Path home;

    final FakeApi twilio = new FakeApi();
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(MessageSender.class);
    RouterHarness router;

    @AfterEach
    void close() {
        logger.detachAppender(lines);
        if (router != null) router.close();
        twilio.close();
    }

    @Test
    void aDeliveredSmsIsLoggedWithChannelAlertRecipientAndAttempt() {
        lines.start();
        logger.addAppender(lines);
        router = RouterHarness.shipped(home)
                .env("TWILIO_ACCOUNT_SID", "AC0123456789abcdef" + "0123456789abcdef")
                .env("TWILIO_AUTH_TOKEN", "t")
                .env("TWILIO_FROM_NUMBER", "+15145550100")
                .env("TWILIO_API_URL", twilio.url())
                .setting("notify.poll-interval", "50ms")
                .start();
        Notifications.enqueue(
                router.store(),
                Notifications.of(
                        "log-1",
                        "sms",
                        new Recipient("Ana", "+15145550123", "ana@example.com"),
                        "P1",
                        "Emergency call unprocessed"));
        await().atMost(Duration.ofSeconds(15))
                .until(() -> "sent".equals(Notifications.status(router.store(), "log-1")));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> lines.list.stream()
                        .anyMatch(e -> e.getFormattedMessage().contains("delivered")));
        assertThat(lines.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .contains("sms delivered firing P1 SiteDown #a-log-1 to Ana (attempt 1, log-1)")
                .noneMatch(m -> m.contains("+15145550123")
                        || m.contains("ana@example.com")
                        || m.contains("Emergency call unprocessed"));
    }
}
