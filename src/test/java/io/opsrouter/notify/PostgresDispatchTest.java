package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.opsrouter.metrics.MeterNames;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Outbox;
import io.opsrouter.outbox.OutboxQueue;
import io.opsrouter.outbox.OutboxRow;
import io.opsrouter.store.StateStore;
import io.opsrouter.testing.RouterHarness;
import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The outbox on a real PostgreSQL, shared by several dispatchers as replicas would share it. */
class PostgresDispatchTest {
    @TempDir
    Path homeA;

    @TempDir
    Path homeB;

    RouterHarness replica(Path home, TestPostgres.Database db, FakeApi hook) {
        return RouterHarness.shipped(home)
                .database(db)
                .webhook(hook.url() + "/hook")
                .quickDelivery()
                .setting("notify.poll-interval", "20ms")
                .setting("notify.batch-size", "5");
    }

    /** Every key arrived, each once (by its Idempotency-Key). */
    static void assertEachDeliveredOnce(FakeApi hook, List<String> keys) {
        Map<String, Long> perKey = hook.accepted().stream()
                .collect(Collectors.groupingBy(r -> r.header("Idempotency-Key"), Collectors.counting()));
        assertThat(perKey.keySet()).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(perKey.values()).allMatch(n -> n == 1L);
    }

    @Test
    void twoDispatchersOnOneDatabaseNeverDeliverARowTwice() {
        try (TestPostgres.Database db = TestPostgres.createDatabase("notify_two");
                FakeApi hook = new FakeApi();
                RouterHarness a = replica(homeA, db, hook).start();
                RouterHarness b = replica(homeB, db, hook).start()) {
            StateStore storeA = a.store();
            StateStore storeB = b.store();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                String ka = "pg-a-" + i;
                String kb = "pg-b-" + i;
                keys.add(ka);
                keys.add(kb);
                Notifications.enqueue(storeA, Notifications.of(ka, "webhook"));
                Notifications.enqueue(storeB, Notifications.of(kb, "webhook"));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> hook.accepted().size() >= keys.size()
                            && storeA.read(c -> {
                                try (var rs = c.createStatement()
                                        .executeQuery("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'")) {
                                    rs.next();
                                    return rs.getLong(1) == 0;
                                }
                            }));
            assertEachDeliveredOnce(hook, keys);
            assertThat(hook.accepted()).hasSize(keys.size());
        }
    }

    @Test
    void twoReplicasTakingRowsFromTheirOwnTransactionsDeliverEachOnce() {
        try (TestPostgres.Database db = TestPostgres.createDatabase("notify_handover");
                FakeApi hook = new FakeApi();
                RouterHarness a = replica(homeA, db, hook).start();
                RouterHarness b = replica(homeB, db, hook).start()) {
            List<String> keys = new ArrayList<>();
            for (RouterHarness r : List.of(a, b)) {
                OutboxDispatcher d = r.app()
                        .camel()
                        .getRegistry()
                        .lookupByNameAndType(OutboxDispatcher.BEAN, OutboxDispatcher.class);
                await().atMost(Duration.ofSeconds(30))
                        .until(() ->
                                !d.states().get(ChannelName.WEBHOOK).pending.maybe());
                String replica = r == a ? "a" : "b";
                for (int i = 0; i < 20; i++) {
                    List<Notification> tx = new ArrayList<>();
                    for (int k = 0; k < 5; k++) {
                        String key = "pg-ho-" + replica + "-" + i + "-" + k;
                        keys.add(key);
                        tx.add(Notifications.of(key, "webhook"));
                    }
                    r.store().inTransaction(c -> Outbox.enqueueAll(c, tx, Instant.now(), d.handover()));
                }
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> keys.stream().allMatch(k -> "sent".equals(Notifications.status(a.store(), k))));
            assertEachDeliveredOnce(hook, keys);
            for (RouterHarness r : List.of(a, b))
                assertThat(r.app()
                                .context()
                                .metrics()
                                .registry()
                                .find(MeterNames.NOTIFICATIONS_HANDED_OVER)
                                .counter())
                        .as("rows taken from their transaction, with the ids PostgreSQL gave them")
                        .isNotNull()
                        .extracting(Counter::count)
                        .isNotEqualTo(0.0);
        }
    }

    @Test
    void anOutageAcrossARestartLosesNothingAndRepeatsNothing() {
        try (TestPostgres.Database db = TestPostgres.createDatabase("notify_restart");
                FakeApi hook = new FakeApi()) {
            hook.mode(FakeApi.Mode.FAIL_500);
            RouterHarness a = replica(homeA, db, hook).start();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                keys.add("pgr-" + i);
                Notifications.enqueue(a.store(), Notifications.of("pgr-" + i, "webhook"));
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> hook.requests().size() >= 2);
            a.stop();
            hook.mode(FakeApi.Mode.OK);
            RouterHarness b = replica(homeB, db, hook).start();
            try {
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> hook.accepted().size() >= keys.size());
                assertThat(hook.accepted())
                        .extracting(r -> r.header("Idempotency-Key"))
                        .containsExactlyElementsOf(keys);
                // accepted rows are marked sent in small batches just after delivery
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() ->
                                assertThat(keys).allMatch(k -> "sent".equals(Notifications.status(b.store(), k))));
            } finally {
                b.close();
            }
        }
    }

    @Test
    void concurrentClaimsTakeDisjointRowsAndAnExpiredLeaseMakesRowsDueAgain() throws Exception {
        try (TestPostgres.Database db = TestPostgres.createDatabase("notify_claim");
                StateStore store = StateStore.open(db.url(), db.user(), db.password(), 4, null)) {
            for (int i = 0; i < 40; i++) Notifications.enqueue(store, Notifications.of("c-" + i, "slack"));
            OutboxQueue q = new OutboxQueue(store);
            Instant now = Instant.now().plusSeconds(1);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            List<java.util.concurrent.Future<List<OutboxRow>>> claims = new ArrayList<>();
            for (int i = 0; i < 4; i++)
                claims.add(pool.submit(() -> q.claim(ChannelName.SLACK, null, 10, now, Duration.ofSeconds(30))));
            List<Long> ids = new ArrayList<>();
            for (var f : claims) ids.addAll(f.get().stream().map(OutboxRow::id).toList());
            pool.shutdown();
            assertThat(new HashSet<>(ids)).hasSize(ids.size());
            assertThat(ids).hasSize(40);
            assertThat(q.claim(ChannelName.SLACK, null, 10, now, Duration.ofSeconds(30)))
                    .as("claimed rows are not due")
                    .isEmpty();
            List<OutboxRow> again = q.claim(ChannelName.SLACK, null, 100, now.plusSeconds(31), Duration.ofSeconds(30));
            assertThat(again)
                    .as("after the lease, a dead claimer's rows are due")
                    .hasSize(40);
            assertThat(again).extracting(OutboxRow::idempotencyKey).startsWith("c-0", "c-1", "c-2");
            assertThat(q.depth()).isEqualTo(40);
        }
    }

    /**
     * Killed 10 s ago: its claims are taken over when the restarted router first reads the live replicas. Killed 2 s
     * ago: younger than a membership, they are left at first and taken over when the replicas look again 6 s later.
     */
    @ParameterizedTest
    @ValueSource(ints = {10, 2})
    void messagesInFlightAtAReplicaThatDiedGoOutWithinSecondsNotWhenTheirLeaseEnds(int killedSecondsAgo) {
        try (TestPostgres.Database db = TestPostgres.createDatabase("notify_gone");
                FakeApi hook = new FakeApi()) {
            // a router killed with two messages in flight: claimed by it, a minute's lease still running
            Instant killedAt = Instant.now().minusSeconds(killedSecondsAgo);
            try (StateStore before = StateStore.open(db.url(), db.user(), db.password(), 2, null)) {
                Notifications.enqueueAt(
                        before,
                        killedAt.minusSeconds(1),
                        Notifications.of("gone-1", "webhook"),
                        Notifications.of("gone-2", "webhook"));
                assertThat(new OutboxQueue(before, "killed-replica")
                                .claim(ChannelName.WEBHOOK, null, 10, killedAt, Duration.ofSeconds(60)))
                        .hasSize(2);
            }
            try (RouterHarness r = replica(homeA, db, hook).start()) {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> "sent".equals(Notifications.status(r.store(), "gone-1"))
                                && "sent".equals(Notifications.status(r.store(), "gone-2")));
                assertThat(hook.accepted())
                        .extracting(x -> x.header("Idempotency-Key"))
                        .containsExactlyInAnyOrder("gone-1", "gone-2");
            }
        }
    }
}
