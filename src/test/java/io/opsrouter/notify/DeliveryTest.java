package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.alert.Severity;
import io.opsrouter.alert.Signal;
import io.opsrouter.app.Json;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.OutboxQueue;
import io.opsrouter.outbox.OutboxRow;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.store.StateStore;
import io.opsrouter.testing.RecordingIntake;
import io.opsrouter.testing.RouterHarness;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable delivery on the embedded store: outages, rate limits, hangs, dead letters, restarts. Time is compressed by settings. */
class DeliveryTest {
    static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path home;

    final FakeApi slack = new FakeApi();
    final FakeApi hook = new FakeApi();
    final FakeApi twilio = new FakeApi();
    final RecordingIntake intake = new RecordingIntake();
    RouterHarness router;

    RouterHarness router(int attempts) {
        router = RouterHarness.shipped(home)
                .modules(intake.modules())
                .env("SLACK_WEBHOOK_URL", slack.url() + "/services/T/B/X")
                .webhook(hook.url() + "/hook")
                .env("TWILIO_ACCOUNT_SID", "AC0123456789abcdef" + "0123456789abcdef")
                .env("TWILIO_AUTH_TOKEN", "t")
                .env("TWILIO_FROM_NUMBER", "+15145550100")
                .env("TWILIO_API_URL", twilio.url())
                .setting("notify.poll-interval", "50ms")
                .setting("notify.slack.rate", "0")
                .setting("notify.sms.rate", "0")
                .setting("notify.retry.initial", "20ms")
                .setting("notify.retry.max", "100ms")
                .setting("notify.retry.attempts", Integer.toString(attempts))
                .setting("notify.breaker.failures", "3")
                .setting("notify.breaker.open-for", "150ms")
                .setting("notify.send-timeout", "2s")
                .setting("notify.lease", "6s");
        return router;
    }

    @AfterEach
    void close() {
        if (router != null) router.close();
        slack.close();
        hook.close();
        twilio.close();
    }

    @Test
    void aChannelOutageDeliversEverythingOnceInOrderAndDoesNotHoldBackOtherChannels() {
        router(1000).start();
        slack.mode(FakeApi.Mode.FAIL_500);
        List<String> slackKeys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String k = String.format("out-%02d", i);
            slackKeys.add(k);
            Notifications.enqueue(
                    router.store(), Notifications.of(k, "slack"), Notifications.of("hook-" + k, "webhook"));
        }
        await().atMost(WAIT).until(() -> hook.accepted().size() == 20);
        assertThat(slack.accepted()).isEmpty();
        // the same answer: a second request may find the breaker half-open already (it opens for 150 ms here)
        HttpResponse<String> open = await().atMost(WAIT)
                .until(() -> router.get("/health"), r -> r.body().contains("circuit open"));
        assertThat(open.statusCode()).isEqualTo(503);
        int failedWhileDown = slack.requests().size();

        slack.mode(FakeApi.Mode.OK);
        await().atMost(WAIT)
                .until(() -> slack.accepted().size() >= 20
                        && slackKeys.stream().allMatch(k -> "sent".equals(Notifications.status(router.store(), k))));
        List<String> delivered = slack.accepted().stream()
                .map(r -> textOf(r.body()))
                .map(t -> t.substring(t.indexOf("out-"), t.indexOf("out-") + 6))
                .toList();
        assertThat(delivered).as("every notification once, in order").containsExactlyElementsOf(slackKeys);
        assertThat(hook.accepted()).hasSize(20);
        assertThat(failedWhileDown)
                .as("the breaker spares a down channel from a request per notification")
                .isLessThan(60);
        assertThat(router.get("/metrics").body())
                .contains("ops_router_notifications_failed_total{channel=\"slack\",reason=\"http_500\"}")
                .contains("ops_router_notifications_sent_total{channel=\"slack\"} 20.0")
                .contains("ops_router_outbox_depth 0.0")
                .contains("ops_router_outbox_oldest_age_seconds 0.0")
                .contains("ops_router_signal_to_delivery_seconds_count{channel=\"slack\"} 20")
                .contains("ops_router_signal_to_delivery_seconds_count{channel=\"webhook\"} 20");
        await().atMost(WAIT).until(() -> router.get("/health").statusCode() == 200);
    }

    @Test
    void rateLimitedChannelWaitsAsLongAsRetryAfterSays() {
        router(1000).start();
        hook.mode(FakeApi.Mode.RATE_LIMITED).retryAfter(1);
        Notifications.enqueue(router.store(), Notifications.of("rl-1", "webhook"));
        await().atMost(WAIT).until(() -> !hook.requests().isEmpty());
        hook.mode(FakeApi.Mode.OK);
        await().atMost(WAIT).until(() -> hook.accepted().size() == 1);
        Instant limited = hook.requests().get(0).at();
        Instant accepted = hook.accepted().get(0).at();
        assertThat(hook.requests()).hasSize(2);
        assertThat(Duration.between(limited, accepted)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(hook.accepted().get(0).header("Idempotency-Key")).isEqualTo("rl-1");
    }

    @Test
    void aHangingServerIsCutOffByTheSendTimeoutAndRetried() {
        router(1000).start();
        hook.hangNext(1);
        Notifications.enqueue(router.store(), Notifications.of("hang-1", "webhook"));
        await().atMost(WAIT).until(() -> hook.accepted().size() == 1);
        FakeApi.Request hung = hook.requests().get(0);
        FakeApi.Request ok = hook.accepted().get(0);
        assertThat(hung.answeredWith()).isZero();
        assertThat(Duration.between(hung.at(), ok.at())).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(8));
        assertThat(ok.header("Idempotency-Key"))
                .as("the retry carries the same key")
                .isEqualTo(hung.header("Idempotency-Key"));
        assertThat(router.get("/metrics").body()).contains("channel=\"webhook\",reason=\"timeout\"");
    }

    @Test
    void anOutageOfManyRetryBudgetsSpendsNoAttemptRaisesAP1AndDeliversOnRecoveryThenResolvesIt() {
        router(3).start();
        twilio.mode(FakeApi.Mode.FAIL_500);
        Recipient ana = new Recipient("Ana", "+15145550123", null);
        Notifications.enqueue(
                router.store(), Notifications.of("outage-1", "sms", ana, "P1", "Emergency call unprocessed"));
        await().atMost(WAIT).until(() -> !intake.signals.isEmpty());
        Signal firing = intake.signals.get(0);
        assertThat(firing.source()).isEqualTo("router");
        assertThat(firing.name()).isEqualTo("channel-failing");
        assertThat(firing.labels())
                .containsEntry("alertname", "channel-failing")
                .containsEntry("channel", "sms");
        assertThat(firing.severity()).isEqualTo(Severity.P1);
        assertThat(firing.state()).isEqualTo(Signal.State.FIRING);
        await().atMost(WAIT).until(() -> twilio.requests().size() >= 4 * 3);
        assertThat(Notifications.status(router.store(), "outage-1"))
                .as("four retry budgets of outage later, the message still waits")
                .isIn("pending", "sending");
        assertThat(attempts("outage-1"))
                .as("only the first failure, right after nothing failed, could be the message's")
                .isLessThanOrEqualTo(1);

        twilio.mode(FakeApi.Mode.OK);
        await().atMost(WAIT).until(() -> "sent".equals(Notifications.status(router.store(), "outage-1")));
        await().atMost(WAIT).until(() -> intake.signals.size() == 2);
        assertThat(intake.signals.get(1).state()).isEqualTo(Signal.State.RESOLVED);
        assertThat(intake.signals.get(1).labels()).containsEntry("channel", "sms");
        assertThat(twilio.accepted()).hasSize(1);
    }

    int attempts(String key) {
        return router.store().read(c -> {
            try (var ps = c.prepareStatement("SELECT attempts FROM outbox WHERE idempotency_key = ?")) {
                ps.setString(1, key);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Test
    void aRefusedNumberIsDeadAtOnceWithoutRetriesAndOthersGoOn() {
        router(1000).start();
        twilio.mode(FakeApi.Mode.BAD_REQUEST);
        Notifications.enqueue(
                router.store(),
                Notifications.of("bad-1", "sms", new Recipient("Bob", "+15145550000", null), "P1", "x"));
        await().atMost(WAIT).until(() -> "dead".equals(Notifications.status(router.store(), "bad-1")));
        twilio.mode(FakeApi.Mode.OK);
        Notifications.enqueue(
                router.store(),
                Notifications.of("good-1", "sms", new Recipient("Ana", "+15145550123", null), "P1", "x"));
        await().atMost(WAIT).until(() -> "sent".equals(Notifications.status(router.store(), "good-1")));
        assertThat(twilio.requests()).hasSize(2);
        assertThat(router.get("/metrics").body()).contains("channel=\"sms\",reason=\"http_400\"");
    }

    @Test
    void pendingNotificationsGoOutAfterARestart() {
        router(1000).start();
        hook.mode(FakeApi.Mode.FAIL_500);
        for (int i = 0; i < 5; i++) Notifications.enqueue(router.store(), Notifications.of("rs-" + i, "webhook"));
        await().atMost(WAIT).until(() -> !hook.requests().isEmpty());
        router.stop();
        hook.mode(FakeApi.Mode.OK);
        router.start();
        await().atMost(WAIT).until(() -> hook.accepted().size() == 5);
        assertThat(hook.accepted())
                .extracting(r -> r.header("Idempotency-Key"))
                .containsExactly("rs-0", "rs-1", "rs-2", "rs-3", "rs-4");
    }

    @Test
    void rowsClaimedByAKilledProcessOnTheEmbeddedStoreAreDeliveredOnceWhenItOpensAgainNotWhenTheLeaseEnds() {
        router(1000).start();
        router.stop();
        StateStore direct = StateStore.open(
                router.app() == null
                        ? "jdbc:h2:file:" + home.resolve("data/router").toAbsolutePath()
                                + ";AUTO_SERVER=FALSE;DB_CLOSE_ON_EXIT=FALSE"
                        : null,
                null,
                null,
                2,
                home.resolve("data"));
        Notifications.enqueue(direct, Notifications.of("crash-1", "webhook"), Notifications.of("crash-2", "webhook"));
        Instant claimedAt = Instant.now();
        List<OutboxRow> claimed =
                new OutboxQueue(direct).claim(ChannelName.WEBHOOK, null, 10, claimedAt, Duration.ofMinutes(10));
        assertThat(claimed).hasSize(2);
        direct.close();
        router.start();
        // only this process opens the embedded store: a claim it finds is a killed process's, due at once
        await().atMost(WAIT).until(() -> hook.accepted().size() == 2);
        assertThat(hook.accepted()).extracting(r -> r.header("Idempotency-Key")).containsExactly("crash-1", "crash-2");
    }

    static String textOf(String json) {
        try {
            return Json.MAPPER.readTree(json).get("text").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
