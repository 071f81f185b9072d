package io.opsrouter.notify;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.opsrouter.app.StartupException;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Outbox;
import io.opsrouter.testing.RouterHarness;
import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Many requests in flight per channel, and each group's messages in the order they were written. */
class InFlightTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    final FakeApi hook = new FakeApi();
    RouterHarness router;

    RouterHarness router(String concurrency) {
        router = RouterHarness.shipped(home)
                .webhook(hook.url() + "/hook")
                .quickDelivery()
                .setting("notify.breaker.failures", "3")
                .setting("notify.breaker.open-for", "150ms");
        if (concurrency != null) router.env("NOTIFY_IN_FLIGHT", concurrency);
        return router;
    }

    @AfterEach
    void close() {
        if (router != null) router.close();
        hook.close();
    }

    /** {@code perGroup} webhook messages for each of {@code groups} groups, the groups interleaved, five per transaction. */
    List<String> enqueue(int groups, int perGroup) {
        List<String> keys = new ArrayList<>();
        List<Notification> tx = new ArrayList<>();
        for (int i = 0; i < perGroup; i++) {
            for (int g = 0; g < groups; g++) {
                String key = String.format("g%02d-%03d", g, i);
                keys.add(key);
                tx.add(Notifications.inGroup(key, "webhook", "service=svc-" + g));
                if (tx.size() == 5) {
                    Notifications.enqueue(router.store(), tx.toArray(Notification[]::new));
                    tx.clear();
                }
            }
        }
        if (!tx.isEmpty()) Notifications.enqueue(router.store(), tx.toArray(Notification[]::new));
        return keys;
    }

    static Map<String, List<String>> byGroup(List<String> keys) {
        return keys.stream().collect(groupingBy(k -> k.substring(0, k.indexOf('-')), LinkedHashMap::new, toList()));
    }

    List<String> acceptedKeys() {
        return hook.accepted().stream().map(r -> r.header("Idempotency-Key")).toList();
    }

    boolean allSent(List<String> keys) {
        return router.store().read(c -> {
                    try (var rs =
                            c.createStatement().executeQuery("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'")) {
                        rs.next();
                        return rs.getLong(1) == 0;
                    }
                })
                && acceptedKeys().size() >= keys.size();
    }

    @Test
    void groupsGoOutAtOnceAndEachGroupsMessagesArriveInTheOrderTheyWereWritten() {
        router(null).start();
        hook.delayUpTo(3);
        List<String> keys = enqueue(24, 12);
        await().atMost(WAIT).until(() -> allSent(keys));
        assertThat(acceptedKeys()).as("each message once").containsExactlyInAnyOrderElementsOf(keys);
        assertThat(byGroup(acceptedKeys()))
                .as("per group, in the order written")
                .isEqualTo(byGroup(keys));
        assertThat(hook.maxInFlight()).as("several messages in flight at once").isGreaterThan(1);
    }

    @Test
    void withOneInFlightAChannelSendsOneMessageAtATimeInTheOrderWritten() {
        router("1").start();
        hook.delayUpTo(2);
        List<String> keys = enqueue(10, 6);
        await().atMost(WAIT).until(() -> allSent(keys));
        assertThat(acceptedKeys()).containsExactlyElementsOf(keys);
        assertThat(hook.maxInFlight()).isEqualTo(1);
    }

    @Test
    void anOutageInTheMiddleOfManySendsDeliversEverythingOnceAndEachGroupInOrder() {
        router(null).start();
        hook.delayUpTo(2).failAfter(40);
        List<String> keys = enqueue(24, 10);
        await().atMost(WAIT)
                .until(() -> hook.requests().stream()
                                .filter(r -> r.answeredWith() == 500)
                                .count()
                        >= 3);
        await().atMost(WAIT).until(() -> router.get("/health").body().contains("circuit open"));
        hook.mode(FakeApi.Mode.OK);
        await().atMost(WAIT).until(() -> allSent(keys));
        assertThat(acceptedKeys()).as("each message once").containsExactlyInAnyOrderElementsOf(keys);
        assertThat(byGroup(acceptedKeys()))
                .as("per group, in the order written")
                .isEqualTo(byGroup(keys));
        assertThat(router.get("/metrics").body())
                .contains("ops_router_notifications_sent_total{channel=\"webhook\"} 240.0");
    }

    @Test
    void onPostgresqlEachMessageGoesOnceAndEachGroupInOrderAcrossAnOutage() {
        try (TestPostgres.Database db = TestPostgres.createDatabase("notify_in_flight")) {
            router(null).database(db).start();
            hook.delayUpTo(2).failAfter(25);
            List<String> keys = enqueue(16, 8);
            await().atMost(WAIT).until(() -> hook.requests().stream().anyMatch(r -> r.answeredWith() == 500));
            hook.mode(FakeApi.Mode.OK);
            await().atMost(WAIT).until(() -> allSent(keys));
            assertThat(acceptedKeys()).containsExactlyInAnyOrderElementsOf(keys);
            assertThat(byGroup(acceptedKeys())).isEqualTo(byGroup(keys));
            router.close();
            router = null;
        }
    }

    @Test
    void anEnqueueWakesItsChannelWhenItsTransactionCommitsNotBeforeAndNotForTheNextPoll() {
        router(null).setting("notify.poll-interval", "1h").start();
        assertThatThrownBy(() -> router.store().inTransaction(c -> {
                    Outbox.enqueue(c, Notifications.inGroup("rolled-back", "webhook", "service=a"), Instant.now());
                    throw new IllegalStateException("the alert change failed");
                }))
                .hasMessageContaining("alert change failed");
        router.store().inTransaction(c -> {
            Outbox.enqueue(c, Notifications.inGroup("slow-commit", "webhook", "service=a"), Instant.now());
            LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
            assertThat(hook.requests()).as("nothing goes out before the commit").isEmpty();
            return null;
        });
        Instant committed = Instant.now();
        await().atMost(Duration.ofSeconds(5)).until(() -> hook.accepted().size() == 1);
        assertThat(acceptedKeys()).containsExactly("slow-commit");
        assertThat(Duration.between(committed, hook.accepted().get(0).at())).isLessThan(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "4097", "x"})
    void aBadInFlightIsRefusedAtLoadNamingTheVariableAndTheFix(String value) {
        SettingsSource s = new SettingsSource(home, Map.of(), Map.of(), new Env(Map.of("NOTIFY_IN_FLIGHT", value)));
        assertThatThrownBy(() -> DispatchSettings.from(s))
                .isInstanceOf(SettingsException.class)
                .hasMessage("environment: NOTIFY_IN_FLIGHT: '" + value
                        + "' is not a whole number from 1 to 4096 (fix: set it to a number from 1 to 4096)");
    }

    @Test
    void aBadInFlightStopsStartUp() {
        assertThatThrownBy(() -> router("0").start())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("NOTIFY_IN_FLIGHT");
        router = null;
    }

    @Test
    void channelsDefaultTo1024InFlightSmsAndTheLogFileToOne() {
        DispatchSettings d = DispatchSettings.from(new SettingsSource(home, Map.of(), Map.of(), new Env(Map.of())));
        assertThat(d.inFlight(ChannelName.SLACK)).isEqualTo(1024);
        assertThat(d.inFlight(ChannelName.WEBHOOK)).isEqualTo(1024);
        assertThat(d.inFlight(ChannelName.SMS)).isEqualTo(1);
        assertThat(d.inFlight(ChannelName.LOG)).isEqualTo(1);
        DispatchSettings one = DispatchSettings.from(
                new SettingsSource(home, Map.of(), Map.of(), new Env(Map.of("NOTIFY_IN_FLIGHT", "1"))));
        assertThat(one.inFlight(ChannelName.SLACK)).isEqualTo(1);
        assertThat(one.inFlight(ChannelName.SMS))
                .as("never more than notify.in-flight")
                .isEqualTo(1);
        DispatchSettings sms = DispatchSettings.from(
                new SettingsSource(home, Map.of(), Map.of(), new Env(Map.of("NOTIFY_SMS_IN_FLIGHT", "16"))));
        assertThat(sms.inFlight(ChannelName.SMS)).isEqualTo(16);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "fast", "10001", "NaN"})
    void aBadRateIsRefusedAtLoadWithTheExactMessage(String value) {
        SettingsSource s = new SettingsSource(home, Map.of(), Map.of(), new Env(Map.of("NOTIFY_SLACK_RATE", value)));
        assertThatThrownBy(() -> DispatchSettings.from(s))
                .isInstanceOf(SettingsException.class)
                .hasMessage("environment: NOTIFY_SLACK_RATE: '" + value
                        + "' is not a number of messages per second from 0 to 10000"
                        + " (fix: write e.g. 1 or 0.5 (messages per second), or 0 for no limit)");
    }

    @Test
    void aBadBurstIsRefusedAtLoadWithTheExactMessage() {
        SettingsSource s = new SettingsSource(home, Map.of(), Map.of(), new Env(Map.of("NOTIFY_SMS_BURST", "0")));
        assertThatThrownBy(() -> DispatchSettings.from(s))
                .isInstanceOf(SettingsException.class)
                .hasMessage("environment: NOTIFY_SMS_BURST: '0' is not a whole number from 1 to 10000"
                        + " (fix: set it to a number from 1 to 10000)");
    }

    @Test
    void slackAndSmsAreRateLimitedByDefaultAndTheOthersNotUnlessSet() {
        DispatchSettings d = DispatchSettings.from(new SettingsSource(home, Map.of(), Map.of(), new Env(Map.of())));
        assertThat(d.rate(ChannelName.SLACK)).isEqualTo(new DispatchSettings.Rate(1, 3));
        assertThat(d.rate(ChannelName.SMS)).isEqualTo(new DispatchSettings.Rate(1, 5));
        assertThat(d.rate(ChannelName.EMAIL).limited()).isFalse();
        assertThat(d.rate(ChannelName.WEBHOOK).limited()).isFalse();
        DispatchSettings set = DispatchSettings.from(new SettingsSource(
                home,
                Map.of("notify.webhook.rate", "20", "notify.webhook.burst", "40"),
                Map.of(),
                new Env(Map.of("NOTIFY_SLACK_RATE", "0"))));
        assertThat(set.rate(ChannelName.WEBHOOK)).isEqualTo(new DispatchSettings.Rate(20, 40));
        assertThat(set.rate(ChannelName.SLACK).limited()).isFalse();
    }
}
