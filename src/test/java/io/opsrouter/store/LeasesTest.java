package io.opsrouter.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A lease has one holder at a time, on the embedded H2 store and on a real PostgreSQL. */
class LeasesTest {
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int RACERS = 8;

    private static TestPostgres.Database pg;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void database() {
        pg = TestPostgres.createDatabase("leases");
    }

    @AfterAll
    static void drop() {
        pg.close();
    }

    private StateStore open(Dialect dialect) {
        // one connection per racer, and Flyway needs one while the store opens
        int pool = RACERS + 1;
        return TestStores.open(dialect, dataDir.resolve("router"), pg, pool);
    }

    /** The PostgreSQL database is shared by the tests of this class: each test takes leases of its own. */
    private static String lease(String what, Dialect dialect) {
        return what + "-" + dialect + "-" + System.nanoTime();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theFirstHolderAcquiresAndAnotherIsRefusedWhileTheLeaseIsValid(Dialect dialect) {
        try (StateStore store = open(dialect)) {
            Leases a = new Leases(store, "replica-a");
            Leases b = new Leases(store, "replica-b");
            String name = lease("valid", dialect);
            assertThat(a.tryAcquire(name, TTL, T0)).isTrue();
            assertThat(holder(store, name)).isEqualTo("replica-a");
            assertThat(b.tryAcquire(name, TTL, T0)).as("at once").isFalse();
            assertThat(b.tryAcquire(name, TTL, T0.plus(TTL).minusMillis(1)))
                    .as("just before it expires")
                    .isFalse();
            assertThat(holder(store, name)).isEqualTo("replica-a");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theHolderRenewsItsOwnLease(Dialect dialect) {
        try (StateStore store = open(dialect)) {
            Leases a = new Leases(store, "replica-a");
            Leases b = new Leases(store, "replica-b");
            String name = lease("renew", dialect);
            assertThat(a.tryAcquire(name, TTL, T0)).isTrue();
            assertThat(a.tryAcquire(name, TTL, T0.plusSeconds(20)))
                    .as("renewed while held")
                    .isTrue();
            // without the renewal the lease would have ended at T0 + 30s; renewed, it lasts to T0 + 50s
            assertThat(b.tryAcquire(name, TTL, T0.plusSeconds(40))).isFalse();
            assertThat(a.tryAcquire(name, TTL, T0.plusSeconds(60)))
                    .as("renewed after it lapsed, nobody else took it")
                    .isTrue();
            assertThat(b.tryAcquire(name, TTL, T0.plusSeconds(80))).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void afterExpiryAnotherHolderTakesIt(Dialect dialect) {
        try (StateStore store = open(dialect)) {
            Leases a = new Leases(store, "replica-a");
            Leases b = new Leases(store, "replica-b");
            String name = lease("expiry", dialect);
            assertThat(a.tryAcquire(name, TTL, T0)).isTrue();
            assertThat(b.tryAcquire(name, TTL, T0.plus(TTL).plusMillis(1))).isTrue();
            assertThat(holder(store, name)).isEqualTo("replica-b");
            assertThat(a.tryAcquire(name, TTL, T0.plus(TTL).plusSeconds(1)))
                    .as("the old holder lost it")
                    .isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void releaseLetsAnotherHolderTakeItAtOnce(Dialect dialect) {
        try (StateStore store = open(dialect)) {
            Leases a = new Leases(store, "replica-a");
            Leases b = new Leases(store, "replica-b");
            String name = lease("release", dialect);
            assertThat(a.tryAcquire(name, TTL, T0)).isTrue();
            a.release(name);
            assertThat(holder(store, name)).isNull();
            assertThat(b.tryAcquire(name, TTL, T0.plusSeconds(1))).isTrue();
            assertThat(holder(store, name)).isEqualTo("replica-b");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void releasingALeaseYouDoNotHoldDoesNotFreeIt(Dialect dialect) {
        try (StateStore store = open(dialect)) {
            Leases a = new Leases(store, "replica-a");
            Leases b = new Leases(store, "replica-b");
            Leases c = new Leases(store, "replica-c");
            String name = lease("foreign-release", dialect);
            assertThat(a.tryAcquire(name, TTL, T0)).isTrue();
            b.release(name);
            assertThat(holder(store, name)).isEqualTo("replica-a");
            assertThat(b.tryAcquire(name, TTL, T0.plusSeconds(1))).isFalse();
            assertThat(c.tryAcquire(name, TTL, T0.plusSeconds(1))).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void manyHoldersRacingForAFreeLeaseExactlyOneWins(Dialect dialect) throws Exception {
        try (StateStore store = open(dialect)) {
            for (int round = 0; round < 10; round++) {
                String name = lease("race-free", dialect);
                List<String> winners = race(store, name, T0);
                assertThat(winners).as("round " + round).hasSize(1);
                assertThat(holder(store, name)).isEqualTo(winners.get(0));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void manyHoldersRacingForAnExpiredLeaseExactlyOneWins(Dialect dialect) throws Exception {
        try (StateStore store = open(dialect)) {
            for (int round = 0; round < 10; round++) {
                String name = lease("race-expired", dialect);
                assertThat(new Leases(store, "crashed-replica").tryAcquire(name, TTL, T0))
                        .isTrue();
                List<String> winners = race(store, name, T0.plus(TTL).plusSeconds(1));
                assertThat(winners).as("round " + round).hasSize(1);
                assertThat(holder(store, name)).isEqualTo(winners.get(0));
            }
        }
    }

    /** RACERS holders, each on its own thread, try for {@code name} at the same moment; returns the ones that got it. */
    private static List<String> race(StateStore store, String name, Instant now) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            CountDownLatch ready = new CountDownLatch(RACERS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> tries = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                Leases mine = new Leases(store, "racer-" + i);
                tries.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return mine.tryAcquire(name, TTL, now) ? mine.holder() : null;
                }));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<String> winners = new ArrayList<>();
            for (Future<String> f : tries) {
                String won = f.get(30, TimeUnit.SECONDS); // a racer that threw fails the test here
                if (won != null) winners.add(won);
            }
            return winners;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String holder(StateStore store, String name) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT holder FROM leases WHERE lease_name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }
}
