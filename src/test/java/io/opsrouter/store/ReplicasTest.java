package io.opsrouter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replicas on one PostgreSQL know each other, one of them leads the sweep, and a dead one's place is taken fast. */
class ReplicasTest {
    /** TTL + one renewal, plus a margin for a busy machine: the promise is "within 10 s". */
    private static final Duration TAKE_OVER = Duration.ofSeconds(10);

    private TestPostgres.Database pg;
    private StateStore store;

    @TempDir
    Path dataDir;

    @BeforeEach
    void open() {
        pg = TestPostgres.createDatabase("replicas");
        store = StateStore.open(pg.url(), pg.user(), pg.password(), 4, null);
    }

    @AfterEach
    void drop() {
        store.close();
        pg.close();
    }

    private Replicas started(String id) {
        Replicas r = Replicas.of(store, id);
        r.lead(Replicas.SWEEP);
        r.start();
        return r;
    }

    @Test
    void replicasSeeEachOtherAndExactlyOneLeadsTheSweep() {
        try (Replicas a = started("a");
                Replicas b = started("b");
                Replicas c = started("c")) {
            await().atMost(TAKE_OVER)
                    .until(() -> Stream.of(a, b, c).allMatch(r -> r.live().equals(List.of("a", "b", "c"))));
            await().atMost(TAKE_OVER)
                    .until(() -> Stream.of(a, b, c)
                                    .filter(r -> r.leads(Replicas.SWEEP))
                                    .count()
                            == 1);
        }
    }

    @Test
    void whenTheLeaderIsKilledAnotherLeadsAndItLeavesTheLiveListWithinTenSeconds() {
        try (Replicas a = started("a");
                Replicas b = started("b")) {
            await().atMost(TAKE_OVER).until(() -> a.leads(Replicas.SWEEP) ^ b.leads(Replicas.SWEEP));
            Replicas leader = a.leads(Replicas.SWEEP) ? a : b;
            Replicas other = leader == a ? b : a;
            leader.halt();
            assertThat(leader.leads(Replicas.SWEEP)).isFalse();
            await().atMost(TAKE_OVER).until(() -> other.leads(Replicas.SWEEP));
            await().atMost(TAKE_OVER).until(() -> other.live().equals(List.of(other.id())));
        }
    }

    @Test
    void listenersHearTheFirstListReadEvenWhenItNamesThisReplicaAloneAndALateListenerIsToldToo() {
        try (Replicas a = started("a")) {
            java.util.concurrent.atomic.AtomicInteger early = new java.util.concurrent.atomic.AtomicInteger();
            a.onChange(early::incrementAndGet);
            // the list read is ["a"], what it was before any read: still a first reading, so the listener hears it
            // (twice at most, when it was added while that reading was told)
            await().atMost(TAKE_OVER).until(() -> early.get() >= 1);
            java.util.concurrent.atomic.AtomicInteger late = new java.util.concurrent.atomic.AtomicInteger();
            a.onChange(late::incrementAndGet);
            await().atMost(TAKE_OVER).until(() -> late.get() >= 1);
            int before = late.get();
            try (Replicas b = started("b")) {
                await().atMost(TAKE_OVER).until(() -> a.live().equals(List.of("a", "b")));
                await().atMost(TAKE_OVER).until(() -> late.get() > before);
            }
        }
    }

    @Test
    void aReplicaStoppedCleanlyLetsGoAtOnce() throws Exception {
        Replicas a = started("a");
        await().atMost(TAKE_OVER).until(() -> a.leads(Replicas.SWEEP));
        a.close();
        try (java.sql.Connection conn = store.dataSource().getConnection();
                Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM leases")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void onTheEmbeddedStoreTheProcessIsAloneAndLeadsWithoutWriting() throws Exception {
        try (StateStore h2 = StateStore.open("jdbc:h2:file:" + dataDir.resolve("router"), null, null, 2, dataDir);
                Replicas solo = Replicas.of(h2, "solo")) {
            solo.lead(Replicas.SWEEP);
            solo.start();
            assertThat(solo.leads(Replicas.SWEEP)).isTrue();
            assertThat(solo.leads("backup")).as("only what it asked to lead").isFalse();
            assertThat(solo.live()).containsExactly("solo");
            try (java.sql.Connection conn = h2.dataSource().getConnection();
                    Statement st = conn.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM leases")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }
}
