package io.opsrouter.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.store.Dialect;
import io.opsrouter.store.StateStore;
import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The heartbeats table (V16) keeps pings and Watchdog arrivals across a restart, on H2 and on PostgreSQL. */
class HeartbeatStoreTest {
    private static final Instant T0 = Instant.parse("2026-03-01T02:00:00Z");
    private static TestPostgres.Database pg;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void database() {
        pg = TestPostgres.createDatabase("heartbeats");
    }

    @AfterAll
    static void drop() {
        pg.close();
    }

    private StateStore open(Dialect dialect) {
        return dialect == Dialect.H2
                ? StateStore.open("jdbc:h2:file:" + dataDir.resolve("router"), null, null, 6, dataDir)
                : StateStore.open(pg.url(), pg.user(), pg.password(), 6, null);
    }

    private static String id(String what, Dialect dialect) {
        return what + "-" + dialect + "-" + System.nanoTime();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aRunsStartFinishExitStatusAndLogSurviveARestart(Dialect dialect) {
        String id = id("backup", dialect);
        try (StateStore store = open(dialect)) {
            HeartbeatStore beats = new HeartbeatStore(store);
            beats.ping(id, Ping.START, T0, null, false);
            HeartbeatState s = beats.ping(id, Ping.parse("4"), T0.plusSeconds(90), "disk full\n", true);
            assertThat(s.lastRun()).isEqualTo(Duration.ofSeconds(90));
        }
        try (StateStore store = open(dialect)) {
            HeartbeatStore.Row row =
                    new HeartbeatStore(store).all(HeartbeatStore.JOB).get(id);
            assertThat(row.state())
                    .isEqualTo(new HeartbeatState(
                            T0.plusSeconds(90), T0.plusSeconds(90), null, true, 4, Duration.ofSeconds(90)));
            assertThat(row.lastPingKind()).isEqualTo("exit 4");
            assertThat(row.body()).isEqualTo("disk full\n");
            assertThat(row.bodyTruncated()).isTrue();
            assertThat(new HeartbeatStore(store).all(HeartbeatStore.WATCHDOG)).doesNotContainKey(id);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void concurrentFirstPingsOfOneJobDoNotCollideOnTheNewRow(Dialect dialect) throws Exception {
        String id = id("racing", dialect);
        try (StateStore store = open(dialect)) {
            HeartbeatStore beats = new HeartbeatStore(store);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<HeartbeatState>> done = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Instant at = T0.plusSeconds(i);
                    done.add(pool.submit(() -> beats.ping(id, Ping.START, at, null, false)));
                }
                for (Future<HeartbeatState> f : done) f.get();
            } finally {
                pool.shutdownNow();
            }
            HeartbeatState s = beats.ping(id, Ping.SUCCESS, T0.plusSeconds(60), null, false);
            assertThat(s.runStarted()).isNull();
            assertThat(s.lastRun()).isBetween(Duration.ofSeconds(57), Duration.ofSeconds(60));
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void watchdogArrivalsAreKeptPerSender(Dialect dialect) {
        String a = id("prometheus=a", dialect);
        String b = id("prometheus=b", dialect);
        try (StateStore store = open(dialect)) {
            HeartbeatStore beats = new HeartbeatStore(store);
            beats.arrived(a, T0);
            beats.arrived(b, T0);
            beats.arrived(a, T0.plusSeconds(60));
        }
        try (StateStore store = open(dialect)) {
            var senders = new HeartbeatStore(store).all(HeartbeatStore.WATCHDOG);
            assertThat(senders.get(a).state().lastPing()).isEqualTo(T0.plusSeconds(60));
            assertThat(senders.get(b).state().lastPing()).isEqualTo(T0);
        }
    }
}
