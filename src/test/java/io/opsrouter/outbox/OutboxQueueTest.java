package io.opsrouter.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.outbox.OutboxQueue.Mark;
import io.opsrouter.outbox.OutboxQueue.Outcome;
import io.opsrouter.store.Dialect;
import io.opsrouter.store.StateStore;
import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The outbox's claim contract on H2 and PostgreSQL: most severe first, fenced by the claim's token, renewed. */
class OutboxQueueTest {
    static final Instant T0 = Instant.parse("2026-12-01T03:00:00Z");
    static final Duration LEASE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    interface StoreTest {
        void run(StateStore store) throws Exception;
    }

    void onStore(Dialect dialect, StoreTest test) throws Exception {
        if (dialect == Dialect.H2) {
            try (StateStore store = StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, 4, dir)) {
                test.run(store);
            }
            return;
        }
        try (TestPostgres.Database db = TestPostgres.createDatabase("outbox_queue");
                StateStore store = StateStore.open(db.url(), db.user(), db.password(), 4, null)) {
            test.run(store);
        }
    }

    static Notification note(String key, String severity) {
        return new Notification(
                key,
                ChannelName.SLACK,
                null,
                Notification.Kind.FIRING,
                severity,
                "severity=" + severity + ",service=" + key,
                List.of(),
                null);
    }

    static void enqueue(StateStore store, Instant at, Notification... ns) {
        store.inTransaction(c -> {
            Outbox.enqueueAll(c, List.of(ns), at);
            return null;
        });
    }

    static List<String> keys(List<OutboxRow> rows) {
        return rows.stream().map(OutboxRow::idempotencyKey).toList();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aClaimTakesTheMostSevereFirstAndTheOldestFirstWithinOneSeverity(Dialect dialect) throws Exception {
        onStore(dialect, store -> {
            // a deep backlog of lesser messages, older than the P1s written after it
            List<Notification> backlog = new ArrayList<>();
            for (int i = 0; i < 2000; i++) backlog.add(note(String.format("p3-%04d", i), "P3"));
            enqueue(store, T0, backlog.toArray(Notification[]::new));
            enqueue(store, T0.plusSeconds(1), note("p2-a", "P2"), note("none-a", "none"));
            enqueue(store, T0.plusSeconds(2), note("p1-b", "P1"));
            enqueue(store, T0.plusSeconds(3), note("p1-c", "P1"), note("p2-d", "P2"));
            OutboxQueue q = new OutboxQueue(store);
            Instant now = T0.plusSeconds(10);
            assertThat(keys(q.claim(ChannelName.SLACK, null, 5, now, LEASE)))
                    .containsExactly("p1-b", "p1-c", "p2-a", "p2-d", "p3-0000");
            assertThat(keys(q.claim(ChannelName.SLACK, null, 2, now, LEASE))).containsExactly("p3-0001", "p3-0002");
            enqueue(store, T0.plusSeconds(4), note("p1-late", "P1"));
            assertThat(keys(q.claim(ChannelName.SLACK, null, 2, now, LEASE)))
                    .as("a P1 written behind the storm is the next one claimed")
                    .containsExactly("p1-late", "p3-0003");
            List<OutboxRow> rest = q.claim(ChannelName.SLACK, null, 5000, now, LEASE);
            assertThat(rest).hasSize(1997);
            assertThat(keys(rest).get(rest.size() - 1))
                    .as("any other severity last")
                    .isEqualTo("none-a");
            assertThat(keys(q.claim(
                            ChannelName.LOG,
                            List.of(ChannelName.LOG),
                            5,
                            now.plus(LEASE).plusSeconds(1),
                            LEASE)))
                    .as("the log fallback takes rows of channels that are off, most severe first too")
                    .startsWith("p1-b", "p1-c", "p1-late", "p2-a");
        });
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aClaimOfPendingRowsOnlyLeavesExpiredLeasesToTheNextFullClaim(Dialect dialect) throws Exception {
        onStore(dialect, store -> {
            enqueue(store, T0, note("e-1", "P1"));
            OutboxQueue q = new OutboxQueue(store);
            assertThat(q.claim(ChannelName.SLACK, null, 10, T0, Duration.ofSeconds(30)))
                    .hasSize(1);
            enqueue(store, T0.plusSeconds(1), note("e-2", "P3"));
            Instant later = T0.plusSeconds(31);
            assertThat(keys(q.claim(ChannelName.SLACK, null, 10, later, Duration.ofSeconds(30), false)))
                    .as("pending rows only")
                    .containsExactly("e-2");
            assertThat(keys(q.claim(ChannelName.SLACK, null, 10, later, Duration.ofSeconds(30), true)))
                    .as("the expired lease, with the next full claim")
                    .containsExactly("e-1");
        });
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aClaimerWhoseLeaseRanOutCannotMarkRenewOrReleaseTheRowsAnotherClaimerTook(Dialect dialect) throws Exception {
        onStore(dialect, store -> {
            enqueue(store, T0, note("f-1", "P1"), note("f-2", "P1"));
            OutboxQueue q = new OutboxQueue(store);
            List<OutboxRow> first = q.claim(ChannelName.SLACK, null, 10, T0, Duration.ofSeconds(30));
            assertThat(first).hasSize(2);
            assertThat(first.get(0).claimToken())
                    .isNotNull()
                    .isEqualTo(first.get(1).claimToken());
            List<OutboxRow> second = q.claim(ChannelName.SLACK, null, 10, T0.plusSeconds(31), Duration.ofSeconds(30));
            assertThat(second).hasSize(2);
            assertThat(second.get(0).claimToken()).isNotEqualTo(first.get(0).claimToken());
            assertThat(first).as("first claimed: never sent").noneMatch(OutboxRow::reclaimed);
            assertThat(second).as("claimed again after the lease: maybe sent").allMatch(OutboxRow::reclaimed);

            OutboxRow stale = first.get(0);
            assertThat(q.renew(first, T0.plusSeconds(90))).containsExactly(false, false);
            boolean[] applied = q.write(List.of(
                            new Mark(stale.id(), stale.claimToken(), Outcome.SENT, 1, T0.plusSeconds(32), null),
                            new Mark(first.get(1).id(), first.get(1).claimToken(), Outcome.RELEASE, 0, T0, "x")))
                    .settle();
            assertThat(applied).containsExactly(false, false);
            assertThat(status(store, "f-1")).isEqualTo("sending");

            assertThat(q.renew(second, T0.plusSeconds(90))).containsExactly(true, true);
            OutboxRow held = second.get(0);
            assertThat(q.write(List.of(
                                    new Mark(held.id(), held.claimToken(), Outcome.SENT, 1, T0.plusSeconds(33), null),
                                    new Mark(
                                            second.get(1).id(),
                                            second.get(1).claimToken(),
                                            Outcome.RELEASE,
                                            0,
                                            T0.plusSeconds(40),
                                            "connect: refused")))
                            .settle())
                    .containsExactly(true, true);
            assertThat(status(store, "f-1")).isEqualTo("sent");
            assertThat(status(store, "f-2")).isEqualTo("pending");
            assertThat(q.write(List.of(new Mark(held.id(), held.claimToken(), Outcome.RETRY, 2, T0, "again")))
                            .settle())
                    .as("a finished row holds no token any more")
                    .containsExactly(false);
            assertThat(q.claim(ChannelName.SLACK, null, 10, T0.plusSeconds(39), LEASE))
                    .as("a released row is due when it was given back for")
                    .isEmpty();
            assertThat(keys(q.claim(ChannelName.SLACK, null, 10, T0.plusSeconds(40), LEASE)))
                    .containsExactly("f-2");
        });
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aRenewedLeaseKeepsRowsFromBeingClaimedAgain(Dialect dialect) throws Exception {
        onStore(dialect, store -> {
            enqueue(store, T0, note("r-1", "P2"));
            OutboxQueue q = new OutboxQueue(store);
            List<OutboxRow> mine = q.claim(ChannelName.SLACK, null, 10, T0, Duration.ofSeconds(30));
            assertThat(q.renew(mine, T0.plusSeconds(50))).containsExactly(true);
            assertThat(q.claim(ChannelName.SLACK, null, 10, T0.plusSeconds(45), LEASE))
                    .isEmpty();
            assertThat(q.claim(ChannelName.SLACK, null, 10, T0.plusSeconds(50), LEASE))
                    .hasSize(1);
        });
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void onPostgresTheClaimsOfAReplicaNoLongerLiveAreDueAtOnceAndNoOneElses(Dialect dialect) throws Exception {
        onStore(dialect, store -> {
            OutboxQueue gone = new OutboxQueue(store, "host-gone");
            OutboxQueue live = new OutboxQueue(store, "host-live");
            enqueue(store, T0, note("gone-1", "P1"), note("gone-2", "P3"));
            assertThat(gone.claim(ChannelName.SLACK, null, 10, T0.plusSeconds(1), LEASE))
                    .hasSize(2);
            enqueue(store, T0.plusSeconds(1), note("live-1", "P2"));
            assertThat(live.claim(ChannelName.SLACK, null, 10, T0.plusSeconds(2), LEASE))
                    .hasSize(1);
            // claimed before claimers were recorded (V20): nobody can tell whose it is, so it waits for its lease
            enqueue(store, T0.plusSeconds(2), note("unknown-1", "P2"));
            assertThat(gone.claim(ChannelName.SLACK, null, 10, T0.plusSeconds(3), LEASE))
                    .hasSize(1);
            store.inTransaction(c -> c.createStatement()
                    .executeUpdate("UPDATE outbox SET claimed_by = NULL WHERE idempotency_key = 'unknown-1'"));
            // claimed 2 s before the check by a replica the live list does not name yet (it has just started)
            enqueue(store, T0.plusSeconds(17), note("new-1", "P2"));
            assertThat(new OutboxQueue(store, "host-new").claim(ChannelName.SLACK, null, 10, T0.plusSeconds(18), LEASE))
                    .hasSize(1);

            Instant now = T0.plusSeconds(20);
            int due = live.claimsOfGoneReplicasDueNow(List.of("host-live"), now, LEASE, Duration.ofSeconds(6));

            if (dialect == Dialect.H2) {
                // one process opens the embedded store: its claims are all made due when it starts instead
                assertThat(due).isZero();
                assertThat(live.claim(ChannelName.SLACK, null, 10, now, LEASE)).isEmpty();
                return;
            }
            assertThat(due).isEqualTo(2);
            List<OutboxRow> again = live.claim(ChannelName.SLACK, null, 10, now, LEASE);
            assertThat(keys(again)).containsExactly("gone-1", "gone-2");
            assertThat(again).allMatch(OutboxRow::reclaimed);
            assertThat(live.claimsOfGoneReplicasDueNow(List.of("host-live"), now, LEASE, Duration.ofSeconds(6)))
                    .as("taken over, they are this replica's claims now")
                    .isZero();
        });
    }

    static String status(StateStore store, String key) {
        return store.read(c -> {
            try (var ps = c.prepareStatement("SELECT status FROM outbox WHERE idempotency_key = ?")) {
                ps.setString(1, key);
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }
}
