package io.opsrouter.notify;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.outbox.Notification;
import io.opsrouter.testing.RouterHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues 16 and 17 against stand-in receivers: many sends in flight, leases renewed for a slow provider, P1 first
 * behind a rate-limited storm, and a restart with sends in flight. Time is compressed by settings.
 */
class FastDeliveryTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    final FakeApi hook = new FakeApi();
    final FakeApi slack = new FakeApi();
    RouterHarness router;

    RouterHarness router() {
        router = RouterHarness.shipped(home)
                .webhook(hook.url() + "/hook")
                .env("SLACK_WEBHOOK_URL", slack.url() + "/services/T/B/X")
                .quickDelivery();
        return router;
    }

    @AfterEach
    void close() {
        if (router != null) router.close();
        hook.close();
        slack.close();
    }

    List<String> acceptedKeys(FakeApi api) {
        return api.accepted().stream().map(r -> r.header("Idempotency-Key")).toList();
    }

    long unsent() {
        return router.store().read(c -> {
            try (var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void aProviderSlowerThanTheLeaseAltogetherGetsEachMessageOnceInOrder() {
        // one group's eight messages go one at a time: the last waits about 4 s claimed, longer than the 3 s lease
        router().setting("notify.send-timeout", "1s")
                .setting("notify.lease", "3s")
                .start();
        hook.delay(500);
        List<String> keys = new ArrayList<>();
        List<Notification> ns = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            keys.add("slow-" + i);
            ns.add(Notifications.inGroup("slow-" + i, "webhook", "service=slow"));
        }
        Notifications.enqueue(router.store(), ns.toArray(Notification[]::new));
        await().atMost(WAIT).until(() -> unsent() == 0 && hook.accepted().size() >= 8);
        assertThat(acceptedKeys(hook)).as("each once, in order").containsExactlyElementsOf(keys);
        assertThat(hook.requests()).hasSize(8);
    }

    @Test
    void manySendsAreInFlightAtOnceAgainstASlowReceiverAndEachGroupStaysInOrder() {
        router().setting("notify.send-timeout", "30s")
                .setting("notify.lease", "90s")
                .start();
        // no answer until 150 requests are in flight at once: only a sender with that many in flight gets any soon
        hook.holdUntilInFlight(150);
        List<String> keys = new ArrayList<>();
        List<Notification> tx = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            for (int g = 0; g < 200; g++) {
                String key = String.format("g%03d-%d", g, i);
                keys.add(key);
                tx.add(Notifications.inGroup(key, "webhook", "service=svc-" + g));
            }
        }
        Instant t0 = Instant.now();
        Notifications.enqueue(router.store(), tx.toArray(Notification[]::new));
        await().atMost(WAIT).until(() -> unsent() == 0 && hook.accepted().size() >= keys.size());
        Duration took = Duration.between(t0, hook.accepted().get(0).at());
        List<String> got = acceptedKeys(hook);
        assertThat(got).containsExactlyInAnyOrderElementsOf(keys);
        for (int g = 0; g < 200; g++) {
            String prefix = String.format("g%03d-", g);
            assertThat(got.stream().filter(k -> k.startsWith(prefix)).toList())
                    .containsExactly(prefix + "0", prefix + "1");
        }
        assertThat(hook.maxInFlight()).as("hundreds in flight, not 8 lanes").isGreaterThanOrEqualTo(150);
        assertThat(took)
                .as("the first answer came when 150 were in flight, not after the receiver's 20 s")
                .isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aP1WrittenBehindARateLimitedStormOfLesserMessagesGoesOutNext() {
        router().setting("notify.slack.rate", "5")
                .setting("notify.slack.burst", "1")
                .start();
        List<Notification> storm = new ArrayList<>();
        for (int i = 0; i < 300; i++) storm.add(Notifications.inGroup("p3-" + i, "slack", "service=s" + i));
        Notifications.enqueue(router.store(), storm.toArray(Notification[]::new));
        await().atMost(WAIT).until(() -> slack.accepted().size() >= 3);
        Notification p1 = Notifications.of("page-now", "slack", null, "P1", "Emergency call unprocessed");
        Instant written = Instant.now();
        Notifications.enqueue(router.store(), p1);
        await().atMost(WAIT)
                .until(() -> slack.accepted().stream().anyMatch(r -> r.body().contains("page-now")));
        Instant paged = slack.accepted().stream()
                .filter(r -> r.body().contains("page-now"))
                .findFirst()
                .orElseThrow()
                .at();
        assertThat(Duration.between(written, paged))
                .as("the P1 takes the next token")
                .isLessThan(Duration.ofSeconds(2));
        assertThat(slack.accepted().size()).as("most of the storm still queued").isLessThan(30);
        List<FakeApi.Request> sent = slack.accepted();
        assertThat(Duration.between(sent.get(0).at(), sent.get(sent.size() - 1).at()))
                .as("5 a second")
                .isGreaterThanOrEqualTo(Duration.ofMillis((sent.size() - 2) * 180L));
        await().atMost(WAIT)
                .until(() -> router.get("/metrics")
                        .body()
                        .contains("ops_router_notify_rate_limit_wait_seconds_total{channel=\"slack\"}"));
    }

    @Test
    void aRestartWithSendsInFlightLosesNothing() {
        router().setting("notify.send-timeout", "2s")
                .setting("notify.lease", "6s")
                .start();
        hook.hangNext(3);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            keys.add("rif-" + i);
            Notifications.enqueue(router.store(), Notifications.inGroup("rif-" + i, "webhook", "service=r" + i));
        }
        await().atMost(WAIT).until(() -> hook.requests().size() >= 3);
        router.stop();
        router.start();
        await().atMost(WAIT).until(() -> unsent() == 0);
        Map<String, Long> perKey = acceptedKeys(hook).stream().collect(groupingBy(k -> k, counting()));
        assertThat(perKey.keySet()).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(perKey.values()).as("none accepted twice").allMatch(n -> n == 1L);
    }
}
