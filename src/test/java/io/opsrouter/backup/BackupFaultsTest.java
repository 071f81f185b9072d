package io.opsrouter.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opsrouter.alert.Severity;
import io.opsrouter.alert.Signal;
import io.opsrouter.metrics.MeterNames;
import io.opsrouter.store.StateStore;
import io.opsrouter.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed, unverified or missing backup ends in a clear error, leaves no archive that looks good, and raises a P1. */
class BackupFaultsTest {
    static TestPostgres.Database source;

    @TempDir
    Path home;

    StateStore store;
    final List<Signal> signals = new CopyOnWriteArrayList<>();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void load() throws Exception {
        source = TestPostgres.createDatabase("bk_fault");
        TestData.createSchema(source);
    }

    @AfterAll
    static void drop() {
        if (source != null) source.close();
    }

    @BeforeEach
    void openStore() {
        store = StateStore.open("jdbc:h2:file:" + home.resolve("data/router"), null, null, 2, home.resolve("data"));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private BackupService service(String yaml, Map<String, String> env) {
        return new BackupService(
                TestData.settings(home, yaml),
                TestData.env(source, env),
                new Catalogue(store),
                meters,
                signals::add,
                Clock.systemUTC(),
                "test");
    }

    private List<Path> archives() throws Exception {
        try (Stream<Path> s = Files.list(home.resolve("data/backups"))) {
            return s.sorted().toList();
        }
    }

    @Test
    void aTableLockedExclusivelyFailsClearlyRaisesP1AndTheNextGoodBackupResolvesIt() throws Exception {
        BackupService svc = service("lockTimeout: 500ms\n", Map.of());
        Path good = Path.of(svc.run("full"));
        assertThat(signals).extracting(Signal::state).containsOnly(Signal.State.RESOLVED);
        signals.clear();

        try (Connection locker = source.connect();
                Statement st = locker.createStatement()) {
            locker.setAutoCommit(false);
            st.execute("LOCK TABLE calls IN ACCESS EXCLUSIVE MODE");
            assertThatThrownBy(() -> svc.run("full"))
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("public.calls")
                    .hasMessageContaining("locked");
            locker.rollback();
        }
        assertThat(archives()).containsExactly(good, good.resolveSibling(good.getFileName() + ".sha256"));
        assertThat(ArchiveVerifier.verify(good).ok()).isTrue();
        Signal p1 = signals.get(0);
        assertThat(p1.state()).isEqualTo(Signal.State.FIRING);
        assertThat(p1.severity()).isEqualTo(Severity.P1);
        assertThat(p1.source()).isEqualTo("backup");
        assertThat(p1.name()).isEqualTo("backup-full");
        assertThat(p1.labels())
                .containsEntry("alertname", "backup-failed")
                .containsEntry("service", "backup")
                .containsEntry("backup_type", "full");
        assertThat(p1.annotations().get("description")).contains("public.calls");
        assertThat(meters.get(MeterNames.BACKUP_FAILURES)
                        .tag("reason", "locked")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(new Catalogue(store).list().get(0).status()).isEqualTo("failed");

        signals.clear();
        svc.run("full");
        assertThat(signals).anySatisfy(s -> {
            assertThat(s.state()).isEqualTo(Signal.State.RESOLVED);
            assertThat(s.labels()).containsEntry("alertname", "backup-failed");
        });
        assertThat(meters.get(MeterNames.BACKUP_VERIFIED)
                        .tag("type", "full")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
        assertThat(meters.get(MeterNames.BACKUP_LAST_SUCCESS)
                        .tag("type", "full")
                        .gauge()
                        .value())
                .isPositive();
    }

    @Test
    void anArchiveThatDoesNotVerifyIsSetAsideRecordedAndRaisesP1() throws Exception {
        BackupService svc = service("", Map.of());
        Path good = Path.of(svc.run("full"));
        signals.clear();
        svc.verifier((archive, s) -> {
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(archive.toFile(), "rw")) {
                f.seek(f.length() / 3);
                int b = f.read();
                f.seek(f.length() / 3);
                f.write(b ^ 0x40);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return ArchiveVerifier.verify(archive, 2, false);
        });
        assertThatThrownBy(() -> svc.run("full"))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("did not verify");
        assertThat(archives()).filteredOn(p -> p.toString().endsWith(".zip")).containsExactly(good);
        assertThat(archives())
                .anySatisfy(p -> assertThat(p.getFileName().toString()).endsWith(".zip.unverified"));
        assertThat(ArchiveVerifier.verify(good).ok()).isTrue();
        assertThat(new Catalogue(store).list().get(0).status()).isEqualTo("unverified");
        assertThat(new Catalogue(store).lastGood(BackupType.FULL))
                .hasValueSatisfying(r -> assertThat(r.path()).isEqualTo(good.toString()));
        assertThat(signals).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(Signal.State.FIRING);
            assertThat(s.labels()).containsEntry("alertname", "backup-failed");
        });
        assertThat(meters.get(MeterNames.BACKUP_VERIFIED)
                        .tag("type", "full")
                        .gauge()
                        .value())
                .isZero();
    }

    @Test
    void aRoleWithoutTheRightToReadATableGetsAnErrorNamingTheTable() throws Exception {
        String role = "bk_limited_" + Long.toHexString(System.nanoTime());
        try (Connection c = source.connect();
                Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'pw-" + role + "'");
            st.execute("GRANT USAGE ON SCHEMA public TO " + role);
            st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);
            st.execute("GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO " + role);
            st.execute("REVOKE SELECT ON settings_kv FROM " + role);
        }
        try {
            BackupService svc = service("", Map.of(SourceDb.USER, role, SourceDb.PASSWORD, "pw-" + role));
            assertThatThrownBy(() -> svc.run("full"))
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("public.settings_kv")
                    .hasMessageContaining("GRANT SELECT");
            assertThat(Files.exists(home.resolve("data/backups")) ? archives() : List.of())
                    .isEmpty();
            assertThat(signals)
                    .singleElement()
                    .satisfies(s -> assertThat(s.labels()).containsEntry("alertname", "backup-failed"));

            // row-level security would silently hide rows from this role: with row_security = off it is an error
            // instead
            try (Connection c = source.connect();
                    Statement st = c.createStatement()) {
                st.execute("GRANT SELECT ON settings_kv TO " + role);
                st.execute("ALTER TABLE calls ENABLE ROW LEVEL SECURITY");
                st.execute("CREATE POLICY only_urgent ON calls FOR SELECT USING (priority = 0)");
            }
            try {
                assertThatThrownBy(() -> svc.run("full"))
                        .isInstanceOf(BackupException.class)
                        .hasMessageContaining("public.calls")
                        .hasMessageContaining("row-level security");
            } finally {
                try (Connection c = source.connect();
                        Statement st = c.createStatement()) {
                    st.execute("DROP POLICY only_urgent ON calls");
                    st.execute("ALTER TABLE calls DISABLE ROW LEVEL SECURITY");
                }
            }
            assertThat(Files.exists(home.resolve("data/backups")) ? archives() : List.of())
                    .isEmpty();
        } finally {
            try (Connection c = source.connect();
                    Statement st = c.createStatement()) {
                st.execute("DROP OWNED BY " + role);
                st.execute("DROP ROLE " + role);
            }
        }
    }

    @Test
    void aManagedDatabasesShortStatementTimeoutDoesNotCutTheBackupShort() throws Exception {
        String role = "bk_managed_" + Long.toHexString(System.nanoTime());
        try (Connection c = source.connect();
                Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'pw-" + role + "'");
            st.execute("GRANT USAGE ON SCHEMA public, extensions TO " + role);
            st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);
            st.execute("GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO " + role);
            st.execute("ALTER ROLE " + role + " SET statement_timeout = '2ms'");
        }
        try {
            BackupService svc = service("workers: 1\n", Map.of(SourceDb.USER, role, SourceDb.PASSWORD, "pw-" + role));
            Path archive = Path.of(svc.run("full"));
            Manifest m = ArchiveVerifier.verify(archive).manifest();
            assertThat(m.tables())
                    .filteredOn(t -> t.name().equals("calls"))
                    .singleElement()
                    .satisfies(t -> assertThat(t.rows()).isEqualTo(3000));
        } finally {
            try (Connection c = source.connect();
                    Statement st = c.createStatement()) {
                st.execute("DROP OWNED BY " + role);
                st.execute("DROP ROLE " + role);
            }
        }
    }

    @Test
    void aConnectionDroppedMidCopyLeavesNoArchiveAndRaisesP1() throws Exception {
        try (Connection c = source.connect();
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE big_notes AS SELECT g AS id, repeat(md5(g::text) || ' ' || '"
                    + TestData.WORDS.substring(0, 200) + "', 6) AS body FROM generate_series(1, 60000) g");
        }
        try {
            BackupService svc = service("deflateLevel: 9\nworkers: 1\n", Map.of());
            CompletableFuture<String> run = CompletableFuture.supplyAsync(() -> svc.run("full"));
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> {
                        try (Connection c = source.connect();
                                Statement st = c.createStatement();
                                ResultSet rs = st.executeQuery(
                                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE "
                                                + "'ops-router backup worker%' AND query LIKE 'COPY%big_notes%' AND state = 'active'")) {
                            return rs.next() || run.isDone();
                        }
                    });
            assertThatThrownBy(run::join)
                    .hasCauseInstanceOf(BackupException.class)
                    .hasMessageContaining("big_notes");
            assertThat(archives()).noneMatch(p -> p.getFileName().toString().endsWith(".zip"));
            assertThat(signals)
                    .singleElement()
                    .satisfies(s -> assertThat(s.state()).isEqualTo(Signal.State.FIRING));
        } finally {
            try (Connection c = source.connect();
                    Statement st = c.createStatement()) {
                st.execute("DROP TABLE big_notes");
            }
        }
    }

    @Test
    void aBackupThatHasNotHappenedWithinItsMaximumAgeRaisesBackupMissing() {
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.now());
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return now.get();
            }
        };
        BackupService svc = new BackupService(
                TestData.settings(home, "maxAge: {full: 26h, incremental: 2h}\n"),
                TestData.env(source, Map.of()),
                new Catalogue(store),
                meters,
                signals::add,
                clock,
                "test");
        svc.checkMissing();
        assertThat(signals).isEmpty();
        now.set(now.get().plus(Duration.ofHours(3)));
        svc.checkMissing();
        assertThat(signals).singleElement().satisfies(s -> {
            assertThat(s.labels())
                    .containsEntry("alertname", "backup-missing")
                    .containsEntry("backup_type", "incremental");
            assertThat(s.severity()).isEqualTo(Severity.P1);
            assertThat(s.state()).isEqualTo(Signal.State.FIRING);
        });
        signals.clear();
        svc.run("full");
        svc.run("incremental");
        assertThat(signals)
                .filteredOn(s -> s.labels().get("alertname").equals("backup-missing")
                        && s.labels().get("backup_type").equals("incremental"))
                .singleElement()
                .satisfies(s -> assertThat(s.state()).isEqualTo(Signal.State.RESOLVED));
        signals.clear();
        svc.checkMissing();
        assertThat(signals).isEmpty();
    }

    @Test
    void retentionKeepsTheNewestVerifiedFullsAndDeletesOnlyReplacedArchives() throws Exception {
        BackupService svc = service("retention: {fulls: 2, incrementals: 1, configDays: 30}\n", Map.of());
        Path f1 = Path.of(svc.run("full"));
        Path f2 = Path.of(svc.run("full"));
        Path i1 = Path.of(svc.run("incremental"));
        Path i2 = Path.of(svc.run("incremental"));
        Path f3 = Path.of(svc.run("full"));
        assertThat(f1).doesNotExist();
        assertThat(f2).exists();
        assertThat(f3).exists();
        assertThat(i1).doesNotExist();
        assertThat(i2).exists();
        assertThat(new Catalogue(store).list())
                .filteredOn(r -> r.deletedAt() != null)
                .extracting(Catalogue.Row::id)
                .containsExactlyInAnyOrder(
                        f1.getFileName().toString(), i1.getFileName().toString());
    }
}
