package io.opsrouter.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.cli.OpsRouterCli;
import io.opsrouter.testing.TestPostgres;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncrementalAndVerifyTest {
    TestPostgres.Database source;

    @TempDir
    Path home;

    @BeforeEach
    void load() throws Exception {
        source = TestPostgres.createDatabase("bk_inc");
        TestData.createSchema(source);
    }

    @AfterEach
    void drop() {
        source.close();
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
    void fullPlusIncrementalsRestoreToTheLatestState() throws Exception {
        BackupSettings s = TestData.settings(home, """
                changeColumns:
                  public.calls: updated_at
                  public.call_events: created_at
                  public.customers: updated_at
                changeOverlap: 1s
                """);
        try (Connection c = source.connect();
                Statement st = c.createStatement()) {
            st.execute("UPDATE calls SET updated_at = now() - interval '1 day'");
            st.execute("UPDATE customers SET updated_at = now() - interval '1 day'");
            st.execute("UPDATE call_events SET created_at = now() - interval '1 day'");
        }
        BackupWriter.Result full = writer(s).write(BackupType.FULL, null);
        try (Connection c = source.connect();
                Statement st = c.createStatement()) {
            st.execute(
                    "UPDATE calls SET transcript = 'changed after the full', priority = 9, updated_at = now() WHERE id % 100 = 0");
            st.execute("UPDATE customers SET name = 'Renamed ✓', updated_at = now() WHERE id <= 5");
            st.execute("INSERT INTO settings_kv VALUES ('added', 'after full')");
            st.execute("SELECT nextval('invoice_numbers')");
        }
        TestData.addCalls(source, 3001, 3100);
        BackupWriter.Result inc1 =
                writer(s).write(BackupType.INCREMENTAL, full.manifest().createdAt());
        Manifest.TableInfo calls = inc1.manifest().tables().stream()
                .filter(t -> t.name().equals("calls"))
                .findFirst()
                .orElseThrow();
        assertThat(calls.mode()).isEqualTo("changes");
        assertThat(calls.rows()).as("only changed and new calls").isEqualTo(30 + 100);
        try (Connection c = source.connect();
                Statement st = c.createStatement()) {
            st.execute("UPDATE calls SET payload = '{\"again\": true}', updated_at = now() WHERE id = 3050");
        }
        BackupWriter.Result inc2 =
                writer(s).write(BackupType.INCREMENTAL, inc1.manifest().createdAt());

        try (TestPostgres.Database target = TestPostgres.createDatabase("bk_inc_dst")) {
            new Restorer(new Restorer.Options(TestData.source(target), null, false, 2), m -> {})
                    .restore(List.of(inc2.archive(), full.archive(), inc1.archive()));
            assertThat(TestData.fingerprints(target)).isEqualTo(TestData.fingerprints(source));
        }
        // an incremental without the one before it is refused: its changes start after the full
        try (TestPostgres.Database target = TestPostgres.createDatabase("bk_inc_gap")) {
            assertThatThrownBy(
                            () -> new Restorer(new Restorer.Options(TestData.source(target), null, false, 2), m -> {})
                                    .restore(List.of(full.archive(), inc2.archive())))
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("missing");
        }
    }

    @Test
    void verifyNamesTheEntryWithOneByteChangedAndRefusesAnArchiveCutShort() throws Exception {
        BackupWriter.Result r =
                writer(TestData.settings(home, "splitTableMb: 1\n")).write(BackupType.FULL, null);
        assertThat(OpsRouterCli.execute(
                        "verify", "--accept-unsigned", r.archive().toString()))
                .isZero();

        Path damaged = home.resolve("damaged.zip");
        Files.copy(r.archive(), damaged);
        String victim;
        long offset;
        try (ZipFile z = ZipFile.builder().setPath(damaged).get()) {
            ZipArchiveEntry e = z.getEntry("data/public.calls/0002.copy");
            victim = e.getName();
            offset = e.getDataOffset() + e.getCompressedSize() / 2;
        }
        try (RandomAccessFile f = new RandomAccessFile(damaged.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x01);
        }
        ArchiveVerifier.Report report = ArchiveVerifier.verify(damaged);
        assertThat(report.ok()).isFalse();
        assertThat(report.entry()).isEqualTo(victim);
        assertThat(OpsRouterCli.execute("verify", "--accept-unsigned", damaged.toString()))
                .isEqualTo(1);
        // restore reads the same entry and refuses it too
        try (TestPostgres.Database target = TestPostgres.createDatabase("bk_bad")) {
            assertThatThrownBy(
                            () -> new Restorer(new Restorer.Options(TestData.source(target), null, false, 2), m -> {})
                                    .restore(List.of(damaged)))
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining(victim);
        }

        Path cut = home.resolve("cut.zip");
        Files.copy(r.archive(), cut, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel ch = FileChannel.open(cut, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        ArchiveVerifier.Report cutReport = ArchiveVerifier.verify(cut);
        assertThat(cutReport.ok()).isFalse();
        assertThat(cutReport.describe()).contains("archive").contains("cut short");
        assertThat(OpsRouterCli.execute("verify", "--accept-unsigned", cut.toString()))
                .isEqualTo(1);
        assertThat(ArchiveVerifier.verify(r.archive()).ok())
                .as("the original is untouched")
                .isTrue();
    }

    @Test
    void catalogueExtractRestoresTablesKeysIndexesAndSequencesWithoutPgDump() throws Exception {
        BackupWriter.Result r =
                writer(TestData.settings(home, "pgDump: none\n")).write(BackupType.FULL, null);
        assertThat(r.manifest().schemaSource()).isEqualTo("catalogue");
        try (TestPostgres.Database target = TestPostgres.createDatabase("bk_cat")) {
            new Restorer(new Restorer.Options(TestData.source(target), null, false, 2), m -> {})
                    .restore(List.of(r.archive()));
            assertThat(TestData.fingerprints(target)).isEqualTo(TestData.fingerprints(source));
            try (Connection c = target.connect();
                    Statement st = c.createStatement()) {
                assertThatThrownBy(() -> st.execute("INSERT INTO call_events (call_id, kind) VALUES (424242, 'x')"))
                        .hasMessageContaining("foreign key");
                assertThatThrownBy(() ->
                                st.execute("INSERT INTO customers (name, email) VALUES ('dup', 'c1@example.com')"))
                        .hasMessageContaining("unique");
                st.execute("INSERT INTO customers (name) VALUES ('serial works')");
            }
        }
    }
}
