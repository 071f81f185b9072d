package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.testing.RouterHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMTP server down, then up: every e-mail arrives once, in order. */
class EmailOutageTest {
    @TempDir
    Path home;

    @Test
    void mailWaitsForTheSmtpServerAndArrivesOnceInOrder() throws Exception {
        int port = RouterHarness.freePort();
        try (RouterHarness router = RouterHarness.shipped(home)
                .env("SMTP_HOST", "127.0.0.1")
                .env("SMTP_PORT", Integer.toString(port))
                .env("SMTP_FROM", "ops-router@example.com")
                .env("SMTP_STARTTLS", "false")
                .setting("notify.poll-interval", "50ms")
                .setting("notify.retry.initial", "20ms")
                .setting("notify.retry.max", "100ms")
                .setting("notify.breaker.open-for", "100ms")
                .setting("notify.send-timeout", "2s")
                .setting("notify.lease", "6s")
                .start()) {
            Recipient ana = new Recipient("Ana", null, "ana@example.com");
            for (int i = 0; i < 5; i++) {
                Notifications.enqueue(
                        router.store(), Notifications.of("mail-" + i, "email", ana, "P1", "Backup failed " + i));
            }
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> router.get("/metrics")
                            .body()
                            .contains("ops_router_notifications_failed_total{channel=\"email\",reason=\"connect\"}"));
            // written back with the rest of its batch once the attempt is over
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(Notifications.status(router.store(), "mail-0"))
                            .isEqualTo("pending"));

            GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            smtp.start();
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> smtp.getReceivedMessages().length >= 5);
                assertThat(Arrays.stream(smtp.getReceivedMessages()).map(m -> {
                            try {
                                return m.getSubject();
                            } catch (Exception e) {
                                return "?";
                            }
                        }))
                        .containsExactly(
                                "[P1] firing: Backup failed 0",
                                "[P1] firing: Backup failed 1",
                                "[P1] firing: Backup failed 2",
                                "[P1] firing: Backup failed 3",
                                "[P1] firing: Backup failed 4");
            } finally {
                smtp.stop();
            }
        }
    }
}
