package io.opsrouter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LockingReadsTest {
    private static final String LOCK = "SELECT v FROM t WHERE id = ? FOR UPDATE";
    private static TestPostgres.Database pg;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void database() {
        pg = TestPostgres.createDatabase("lockingreads");
    }

    @AfterAll
    static void drop() {
        pg.close();
    }

    private StateStore open(Dialect dialect, int pool) {
        StateStore store = TestStores.open(dialect, dataDir.resolve("router-" + pool), pg, pool);
        store.inTransaction(c -> {
            c.createStatement().execute("DROP TABLE IF EXISTS t");
            c.createStatement().execute("CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)");
            c.createStatement().execute("INSERT INTO t VALUES (1, 0)");
            return null;
        });
        return store;
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aRowReadThroughAKeptStatementStaysLockedUntilTheReaderCommits(Dialect dialect) throws Exception {
        try (StateStore store = open(dialect, 2)) {
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> store.inTransaction(c -> {
                assertThat(read(c, dialect)).isZero();
                locked.countDown();
                awaitQuietly(release);
                c.createStatement().execute("UPDATE t SET v = v + 1 WHERE id = 1");
                return null;
            }));
            assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Integer> second =
                    CompletableFuture.supplyAsync(() -> store.inTransaction(c -> read(c, dialect)));
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !second.isDone());
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
            assertThat(second.get(10, TimeUnit.SECONDS))
                    .as("read after the holder's commit")
                    .isEqualTo(1);
        }
    }

    @Test
    void onH2AConnectionReusesOneStatementWithFreshParameters() {
        try (StateStore store = open(Dialect.H2, 2)) {
            store.inTransaction(c -> {
                Object first;
                try (PreparedStatement ps = LockingReads.prepare(c, Dialect.H2, LOCK)) {
                    ps.setInt(1, 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                    }
                    first = ps.unwrap(PreparedStatement.class);
                }
                try (PreparedStatement ps = LockingReads.prepare(c, Dialect.H2, LOCK)) {
                    assertThat(ps.unwrap(PreparedStatement.class)).isSameAs(first);
                    assertThatThrownBy(ps::executeQuery)
                            .as("the last use's parameter was cleared")
                            .isInstanceOf(java.sql.SQLException.class);
                    ps.setInt(1, 2);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).as("no row 2").isFalse();
                    }
                }
                return null;
            });
        }
    }

    @Test
    void statementsOfAClosedConnectionAreDroppedWhenAnotherConnectionPrepares() {
        Connection[] physical = new Connection[1];
        try (StateStore store = open(Dialect.H2, 2)) {
            store.inTransaction(c -> {
                physical[0] = c.unwrap(Connection.class);
                LockingReads.prepare(c, Dialect.H2, LOCK).close();
                return null;
            });
            assertThat(LockingReads.holds(physical[0])).isTrue();
        }
        try (StateStore other = open(Dialect.H2, 3)) {
            other.inTransaction(c -> {
                LockingReads.prepare(c, Dialect.H2, LOCK).close();
                return null;
            });
            assertThat(LockingReads.holds(physical[0])).isFalse();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int read(Connection c, Dialect dialect) throws java.sql.SQLException {
        try (PreparedStatement ps = LockingReads.prepare(c, dialect, LOCK)) {
            ps.setInt(1, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
