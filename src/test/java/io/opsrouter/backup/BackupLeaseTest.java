package io.opsrouter.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opsrouter.alert.Signal;
import io.opsrouter.config.Env;
import io.opsrouter.store.Leases;
import io.opsrouter.store.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With several replicas on one store, a scheduled backup runs only on the replica that holds the "backup" lease. */
class BackupLeaseTest {
    static final String LEASE = "backup";

    @TempDir
    Path home;

    StateStore store;
    BackupService svc;
    final List<Signal> signals = new CopyOnWriteArrayList<>();

    @BeforeEach
    void replicaA() throws Exception {
        store = StateStore.open("jdbc:h2:file:" + home.resolve("data/router"), null, null, 2, home.resolve("data"));
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/application.properties"), "router.http.port = 8080\n");
        // a config backup needs no source database
        svc = new BackupService(
                TestData.settings(home, "folders:\n  config: {path: config, types: [full, config]}\n"),
                new Env(Map.of()),
                new Catalogue(store),
                new SimpleMeterRegistry(),
                signals::add,
                Clock.systemUTC(),
                "test");
        svc.leases(new Leases(store, "replica-a:101"));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void whileAnotherReplicaHoldsTheLeaseTheScheduledBackupIsSkippedAndRunsOnceItIsReleased() throws Exception {
        Leases b = new Leases(store, "replica-b:202");
        assertThat(b.tryAcquire(LEASE, Duration.ofHours(6))).isTrue();

        assertThat(svc.runScheduled("config")).isEqualTo("skipped: another replica is taking a backup");
        assertThat(archives()).isEmpty();
        assertThat(new Catalogue(store).list()).isEmpty();
        assertThat(signals).as("a skipped backup is not a failure").isEmpty();
        assertThat(new Leases(store, "replica-c:303").tryAcquire(LEASE, Duration.ofHours(6)))
                .as("the skip left b's lease alone")
                .isFalse();

        b.release(LEASE);
        assertThat(ranAndReleasedTheLease(svc.runScheduled("config"))).isTrue();
    }

    @Test
    void aStoreThatCannotBeReachedForTheLeaseFailsTheRunWithoutThrowing() throws Exception {
        store.close();
        assertThat(svc.runScheduled("config")).startsWith("failed: the backup lease cannot be taken: ");
        assertThat(archives()).isEmpty();
    }

    @Test
    void aLeaseLeftBehindByAReplicaThatDiedDoesNotStopTheBackupOnceItExpired() throws Exception {
        store.inTransaction(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO leases (lease_name, holder, expires_at) VALUES (?, ?, ?)")) {
                ps.setString(1, LEASE);
                ps.setString(2, "replica-b:202");
                ps.setObject(3, OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1));
                return ps.executeUpdate();
            }
        });
        assertThat(ranAndReleasedTheLease(svc.runScheduled("config"))).isTrue();
    }

    @Test
    void aSecondTriggerInTheSameProcessDoesNotGiveUpTheLeaseOfTheBackupStillRunning() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        svc.verifier((archive, s) -> {
            writing.countDown();
            try {
                finish.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ArchiveVerifier.verify(archive);
        });
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> svc.runScheduled("config"));
        try {
            assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
            String second = svc.runScheduled("full");
            assertThat(new Leases(store, "replica-b:202").tryAcquire(LEASE, Duration.ofHours(6)))
                    .as("the backup still running holds the lease")
                    .isFalse();
            assertThat(second).startsWith("skipped:").contains("another backup is running");
        } finally {
            finish.countDown();
        }
        assertThat(ranAndReleasedTheLease(first.get(30, TimeUnit.SECONDS))).isTrue();
    }

    /** True when {@code result} is a verified archive, recorded as good, and the lease is free again afterwards. */
    private boolean ranAndReleasedTheLease(String result) throws Exception {
        assertThat(result).endsWith(".zip");
        Path archive = Path.of(result);
        assertThat(archives()).contains(archive);
        assertThat(ArchiveVerifier.verify(archive).ok()).isTrue();
        assertThat(new Catalogue(store).list())
                .singleElement()
                .satisfies(r -> assertThat(r.good()).isTrue());
        Leases c = new Leases(store, "replica-c:303");
        boolean free = c.tryAcquire(LEASE, Duration.ofHours(6));
        if (free) c.release(LEASE);
        return free;
    }

    private List<Path> archives() throws Exception {
        Path out = svc.settings().output();
        if (!Files.isDirectory(out)) return List.of();
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.toString().endsWith(".zip")).toList();
        }
    }
}
