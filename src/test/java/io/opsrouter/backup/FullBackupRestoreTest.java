package io.opsrouter.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FullBackupRestoreTest {
    static TestPostgres.Database source;

    @TempDir
    Path home;

    @BeforeAll
    static void load() throws Exception {
        source = TestPostgres.createDatabase("bk_src");
        TestData.createSchema(source);
    }

    @AfterAll
    static void drop() {
        if (source != null) source.close();
    }

    private BackupWriter writer(BackupSettings s) {
        return new BackupWriter(
                s,
                TestData.source(source),
                SecretMasker.from(TestData.env(source, Map.of()), List.of()),
                Clock.systemUTC(),
                "test");
    }

    @Test
    void fullBackupTakenWhileAnotherConnectionWritesRestoresExactlyWhatTheSnapshotSaw() throws Exception {
        BackupSettings s = TestData.settings(home, "splitTableMb: 1\nworkers: 2\ndeflateLevel: 1\n");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        CompletableFuture<Void> writerThread = CompletableFuture.runAsync(() -> {
            try (Connection c = source.connect();
                    Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                for (long i = 1; !stop.get(); i++) {
                    st.execute("INSERT INTO ticks VALUES (" + i + ", repeat('tick ', 50))");
                    st.execute("UPDATE tick_counter SET value = " + i + " WHERE id = 1");
                    c.commit();
                    written.set(i);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        org.awaitility.Awaitility.await().until(() -> written.get() > 20);
        BackupWriter.Result r = writer(s).write(BackupType.FULL, null);
        long atEnd = written.get();
        stop.set(true);
        writerThread.get();

        assertThat(r.archive().getFileName().toString()).matches("full-\\d{8}T\\d{6}Z\\.zip");
        assertThat(ArchiveVerifier.verify(r.archive()).ok()).isTrue();
        assertThat(r.manifest().snapshotId()).isNotBlank();
        assertThat(r.manifest().postgresVersion()).startsWith("15");
        assertThat(r.manifest().schemaSource()).isEqualTo("pg_dump");
        Manifest.TableInfo calls = r.manifest().tables().stream()
                .filter(t -> t.name().equals("calls"))
                .findFirst()
                .orElseThrow();
        assertThat(calls.parts())
                .as("a large table is split so that both workers share it")
                .hasSizeGreaterThan(1);
        assertThat(calls.rows()).isEqualTo(3000);
        // the sidecar is what sha256sum -c expects
        String side = Files.readString(r.archive().resolveSibling(r.archive().getFileName() + ".sha256"));
        assertThat(side)
                .isEqualTo(BackupWriter.sha256(r.archive()) + "  " + r.archive().getFileName() + "\n");
        Process p = new ProcessBuilder("sha256sum", "-c", r.archive().getFileName() + ".sha256")
                .directory(r.archive().getParent().toFile())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor()).isZero();
        try (ZipFile z = new ZipFile(r.archive().toFile())) {
            assertThat(z.getEntry(Manifest.NAME)).isNotNull();
        }

        try (TestPostgres.Database target = TestPostgres.createDatabase("bk_dst")) {
            Restorer.Summary sum = new Restorer(new Restorer.Options(TestData.source(target), null, false, 2), m -> {})
                    .restore(List.of(r.archive()));
            assertThat(sum.warnings()).isEmpty();
            long restoredTicks;
            try (Connection c = target.connect();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(
                            "SELECT (SELECT value FROM tick_counter), (SELECT count(*) FROM ticks), (SELECT max(seq) FROM ticks)")) {
                rs.next();
                restoredTicks = rs.getLong(1);
                assertThat(rs.getLong(2))
                        .as("ticks and their counter come from one snapshot")
                        .isEqualTo(restoredTicks);
                assertThat(rs.getLong(3)).isEqualTo(restoredTicks);
            }
            assertThat(restoredTicks).isBetween(20L, atEnd);
            Map<String, String> expected = TestData.fingerprints(source);
            Map<String, String> actual = TestData.fingerprints(target);
            // the writer went on after the snapshot: compare its tables up to what the snapshot saw
            try (Connection c = source.connect();
                    Statement st = c.createStatement()) {
                st.execute("DELETE FROM ticks WHERE seq > " + restoredTicks);
                st.execute("UPDATE tick_counter SET value = " + restoredTicks);
            }
            expected = TestData.fingerprints(source);
            assertThat(actual).isEqualTo(expected);
            // keys, indexes and sequences came back
            try (Connection c = target.connect();
                    Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(9);
                }
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_constraint WHERE contype = 'f'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(2);
                }
                try (ResultSet rs = st.executeQuery("SELECT nextval('invoice_numbers')")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(1002);
                }
                assertThatThrownBy(() -> st.execute("INSERT INTO calls (customer_id) VALUES (999999)"))
                        .hasMessageContaining("foreign key");
            }
            // a target that is not empty is refused unless told --clean
            assertThatThrownBy(
                            () -> new Restorer(new Restorer.Options(TestData.source(target), null, false, 2), m -> {})
                                    .restore(List.of(r.archive())))
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("not empty")
                    .hasMessageContaining("--clean");
            new Restorer(new Restorer.Options(TestData.source(target), null, true, 2), m -> {})
                    .restore(List.of(r.archive()));
            assertThat(TestData.fingerprints(target)).isEqualTo(expected);
        }
    }
}
