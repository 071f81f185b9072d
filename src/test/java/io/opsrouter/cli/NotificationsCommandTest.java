package io.opsrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.config.Env;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.store.StateStore;
import io.opsrouter.testing.OutboxRows;
import io.opsrouter.testing.RouterHarness;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ops-router notifications list --dead} and {@code retry ID} against a running router, over its HTTP API. */
class NotificationsCommandTest {
    static final String TOKEN = "cli-api-token-0123456789";

    @TempDir
    Path home;

    RouterHarness router;
    StateStore store;
    long deadId;
    StringWriter out;
    StringWriter err;

    @BeforeEach
    void start() {
        router = RouterHarness.shipped(home).env("ROUTER_API_TOKEN", TOKEN).start();
        store = router.store();
        deadId = OutboxRows.insert(
                store,
                OutboxRows.firing("cli-dead", ChannelName.SMS, new Recipient("Ann", "+15145550123", null), "P2", "web"),
                "dead",
                12,
                "twilio 400: +15145550123 is not a mobile number",
                Instant.now().minusSeconds(60));
    }

    @AfterEach
    void stop() {
        router.close();
    }

    int run(Map<String, String> env, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = NotificationsCommand.commandLine(new Env(env));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("ROUTER_URL", router.baseUrl());
        env.put("ROUTER_API_TOKEN", TOKEN);
        return env;
    }

    @Test
    void listsTheDeadByNameAndRetriesOneByHand() {
        assertThat(run(env(), "list", "--dead")).isZero();
        assertThat(out.toString())
                .contains(Long.toString(deadId), "sms", "Ann", "P2", "firing", "12")
                .contains("twilio 400: <recipient> is not a mobile number")
                .contains("1 dead in all: sms 1")
                .doesNotContain("5550123");

        assertThat(run(env(), "retry", Long.toString(deadId))).isZero();
        assertThat(out.toString())
                .isEqualTo("notification " + deadId + " (P2 firing on sms to Ann) is pending again, due now"
                        + System.lineSeparator());
        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(OutboxRows.status(store, deadId)));

        assertThat(run(env(), "retry", Long.toString(deadId))).isEqualTo(NotificationsCommand.REFUSED);
        assertThat(err.toString())
                .contains("ops-router notifications retry: notification " + deadId
                        + " is sent, not dead: only a dead notification can be retried (HTTP 409)");
        assertThat(run(env(), "retry", "987654")).isEqualTo(NotificationsCommand.REFUSED);
        assertThat(err.toString()).contains("no notification with id 987654 (HTTP 404)");

        assertThat(run(env(), "list")).isZero();
        assertThat(out.toString()).contains("no dead notifications").contains("0 dead in all");
        assertThat(run(env(), "list", "--status", "sent", "--channel", "sms")).isZero();
        assertThat(out.toString()).contains(Long.toString(deadId));
    }

    @Test
    void settingsAndUsageProblemsSayWhatToFix() {
        Map<String, String> noToken = env();
        noToken.remove("ROUTER_API_TOKEN");
        assertThat(run(noToken, "list", "--dead")).isEqualTo(NotificationsCommand.USAGE);
        assertThat(err.toString()).contains("ROUTER_API_TOKEN is not set: set it to the router's API token");

        Map<String, String> wrong = env();
        wrong.put("ROUTER_API_TOKEN", "not-the-token-000000");
        assertThat(run(wrong, "retry", Long.toString(deadId))).isEqualTo(NotificationsCommand.REFUSED);
        assertThat(err.toString()).contains("(HTTP 401)");
        assertThat(OutboxRows.status(store, deadId)).isEqualTo("dead");

        Map<String, String> badUrl = env();
        badUrl.put("ROUTER_URL", "localhost:8080");
        assertThat(run(badUrl, "list")).isEqualTo(NotificationsCommand.USAGE);
        assertThat(err.toString()).contains("ROUTER_URL 'localhost:8080' is not an http(s) URL");

        Map<String, String> nobody = env();
        nobody.put("ROUTER_URL", "http://127.0.0.1:" + RouterHarness.freePort());
        assertThat(run(nobody, "list")).isEqualTo(NotificationsCommand.REFUSED);
        assertThat(err.toString()).contains("cannot reach the router at http://127.0.0.1:");

        assertThat(run(env(), "list", "--dead", "--status", "sent")).isEqualTo(NotificationsCommand.USAGE);
        assertThat(run(env(), "list", "--status", "lost")).isEqualTo(NotificationsCommand.USAGE);
        assertThat(err.toString()).contains("status must be one of pending, sending, sent, folded, dead (HTTP 400)");
        assertThat(run(env(), "retry", "abc")).isEqualTo(2);
        assertThat(run(env())).isEqualTo(NotificationsCommand.USAGE);
        assertThat(err.toString()).contains("list", "retry");
    }
}
