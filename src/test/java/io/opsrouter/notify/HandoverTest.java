package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.opsrouter.metrics.MeterNames;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Handover;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Outbox;
import io.opsrouter.testing.RouterHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages taken by delivery straight from the transaction that writes them (issue 16, {@link Handover}): sent
 * without a claim, each once; a rolled-back one never; a later message of a lane never before an earlier one whose
 * transaction is still open; and behind a backlog, written pending and claimed most severe first as before.
 */
class HandoverTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    final FakeApi hook = new FakeApi();
    RouterHarness router;

    RouterHarness router() {
        router = RouterHarness.shipped(home).webhook(hook.url() + "/hook").quickDelivery();
        return router;
    }

    @AfterEach
    void close() {
        if (router != null) router.close();
        hook.close();
    }

    OutboxDispatcher dispatcher() {
        return router.app().camel().getRegistry().lookupByNameAndType(OutboxDispatcher.BEAN, OutboxDispatcher.class);
    }

    /** Started, and the webhook's first claims found nothing pending: it takes new rows from their transaction. */
    Handover idleWebhook() {
        router.start();
        await().atMost(WAIT)
                .until(() ->
                        !dispatcher().states().get(ChannelName.WEBHOOK).pending.maybe());
        return dispatcher().handover();
    }

    void write(Handover handover, Notification... ns) {
        router.store().inTransaction(c -> Outbox.enqueueAll(c, List.of(ns), Instant.now(), handover));
    }

    double handedOver() {
        Counter c = router.app()
                .context()
                .metrics()
                .registry()
                .find(MeterNames.NOTIFICATIONS_HANDED_OVER)
                .tag("channel", "webhook")
                .counter();
        return c == null ? 0 : c.count();
    }

    String status(String key) {
        return router.store().read(c -> {
            try (var ps = c.prepareStatement("SELECT status, claim_token FROM outbox WHERE idempotency_key = ?")) {
                ps.setString(1, key);
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) + (rs.getString(2) == null ? "" : " claimed") : "absent";
                }
            }
        });
    }

    List<String> acceptedKeys() {
        return hook.accepted().stream().map(r -> r.header("Idempotency-Key")).toList();
    }

    static Notification of(String key, String severity, String group) {
        Notification n = Notifications.inGroup(key, "webhook", group);
        return new Notification(
                n.idempotencyKey(), n.channel(), n.recipient(), n.kind(), severity, group, n.alerts(), n.ackUrl());
    }

    @Test
    void aMessageWrittenWhileItsChannelIsIdleIsSentWithoutAClaim() {
        router();
        Handover handover = idleWebhook();
        hook.hangNext(1);

        write(handover, of("idle-1", "P3", "service=web"));

        await().atMost(WAIT).until(() -> hook.requests().size() == 1);
        assertThat(status("idle-1")).as("written claimed by its transaction").isEqualTo("sending claimed");
        assertThat(handedOver()).isEqualTo(1.0);
        hook.release();
        await().atMost(WAIT).until(() -> status("idle-1").equals("sent"));
    }

    @Test
    void aRolledBackMessageIsNeverSentAndTheNextOfItsLaneGoes() {
        router();
        Handover handover = idleWebhook();

        assertThatThrownBy(() -> router.store().inTransaction(c -> {
                    Outbox.enqueueAll(c, List.of(of("gone-1", "P2", "service=web")), Instant.now(), handover);
                    throw new IllegalStateException("the alert change failed");
                }))
                .hasMessage("the alert change failed");
        write(handover, of("after-1", "P2", "service=web"));

        await().atMost(WAIT).until(() -> status("after-1").equals("sent"));
        assertThat(acceptedKeys()).containsExactly("after-1");
        assertThat(status("gone-1")).isEqualTo("absent");
        ChannelState webhook = dispatcher().states().get(ChannelName.WEBHOOK);
        await("no room kept for the rolled-back message").atMost(WAIT).until(() -> webhook.free() == webhook.window);
    }

    @Test
    void aLaterMessageOfALaneWaitsForTheTransactionStillWritingAnEarlierOne() throws Exception {
        router();
        Handover handover = idleWebhook();
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        CompletableFuture<Void> first =
                CompletableFuture.runAsync(() -> router.store().inTransaction(c -> {
                    Outbox.enqueueAll(c, List.of(of("lane-1", "P2", "service=web")), Instant.now(), handover);
                    written.countDown();
                    try {
                        commit.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return null;
                }));
        assertThat(written.await(30, TimeUnit.SECONDS)).isTrue();

        write(handover, of("lane-2", "P2", "service=web"));
        write(handover, of("other-1", "P2", "service=db"));
        await().atMost(WAIT).until(() -> acceptedKeys().contains("other-1"));
        assertThat(acceptedKeys()).as("lane-2 waits behind lane-1").containsExactly("other-1");

        commit.countDown();
        first.get(30, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> acceptedKeys().size() == 3);
        assertThat(acceptedKeys()).containsExactly("other-1", "lane-1", "lane-2");
        assertThat(handedOver()).isEqualTo(3.0);
    }

    @Test
    void behindABacklogNewMessagesAreWrittenPendingAndTheMostSevereGoesFirst() {
        router().setting("notify.webhook.rate", "10").setting("notify.webhook.burst", "1");
        Handover handover = idleWebhook();

        write(
                handover,
                of("p3-0", "P3", "service=a"),
                of("p3-1", "P3", "service=b"),
                of("p3-2", "P3", "service=c"),
                of("p1-0", "P1", "service=d"));

        await().atMost(WAIT).until(() -> hook.accepted().size() == 4);
        assertThat(acceptedKeys())
                .as("the one token's message, then the P1 ahead of the queued P3s")
                .containsExactly("p3-0", "p1-0", "p3-1", "p3-2");
        assertThat(handedOver()).isEqualTo(1.0);
    }

    @Test
    void aMessageWhoseTransactionNeverBecomesDurableIsLetGoAfterALeaseAndItsLaneGoesOnInOrder() {
        router().setting("notify.send-timeout", "1s").setting("notify.lease", "3s");
        Handover handover = idleWebhook();
        // committed and never settled, as when the checkpoint that would make it durable fails
        router.store()
                .inTransactionUnsettled(c ->
                        Outbox.enqueueAll(c, List.of(of("stuck-1", "P2", "service=web")), Instant.now(), handover));
        write(handover, of("stuck-2", "P2", "service=web"));
        write(handover, of("free-1", "P2", "service=db"));

        await().atMost(WAIT).until(() -> acceptedKeys().size() == 3);
        assertThat(acceptedKeys())
                .as("another lane at once; the stuck lane after a lease, in the order written")
                .containsExactly("free-1", "stuck-1", "stuck-2");
        await().atMost(WAIT)
                .until(() ->
                        status("stuck-1").equals("sent") && status("stuck-2").equals("sent"));
    }
}
