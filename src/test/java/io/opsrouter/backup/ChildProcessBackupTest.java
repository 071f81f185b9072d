package io.opsrouter.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.ChildJvm;
import io.opsrouter.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups run as ops run them: the CLI in its own JVM, with a small heap or a file-size limit standing in for a full disk. */
class ChildProcessBackupTest {
    @TempDir
    Path home;

    private Map<String, String> env(TestPostgres.Database db) {
        Map<String, String> env = new HashMap<>();
        env.put(SourceDb.URL, db.url());
        env.put(SourceDb.USER, db.user());
        env.put(SourceDb.PASSWORD, db.password() == null ? "" : db.password());
        env.put("ROUTER_HOME", home.toString());
        return env;
    }

    private static void fill(TestPostgres.Database db, int rows) throws Exception {
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS transcripts (id bigint PRIMARY KEY, body text)");
            st.execute("INSERT INTO transcripts SELECT g, g || ' ' || substr(repeat('" + TestData.WORDS
                    + " ', 3), 1 + ((g * 31) % 400)::int, 900) "
                    + "|| ' ref ' || md5(g::text) FROM generate_series((SELECT coalesce(max(id), 0) + 1 FROM transcripts), "
                    + rows + ") g");
        }
    }

    @Test
    void peakMemoryStaysFlatWhenTheTableGrowsTenTimes() throws Exception {
        ChildJvm.checkClasspath();
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/backups.yaml"), "deflateLevel: 1\nsplitTableMb: 16\nfolders: {}\n");
        try (TestPostgres.Database db = TestPostgres.createDatabase("bk_mem")) {
            fill(db, 25_000);
            ChildJvm.Result small = backup(db, "small");
            fill(db, 250_000);
            ChildJvm.Result large = backup(db, "large");
            long tableBytes;
            try (Connection c = db.connect();
                    Statement st = c.createStatement();
                    var rs = st.executeQuery("SELECT pg_total_relation_size('transcripts')")) {
                rs.next();
                tableBytes = rs.getLong(1);
            }
            long smallLive = small.value("MAX_LIVE_HEAP_BYTES");
            long largeLive = large.value("MAX_LIVE_HEAP_BYTES");
            System.out.printf(
                    "table %d MB: live heap small %d MB, large %d MB; peak RSS small %d MB, large %d MB%n",
                    tableBytes >> 20,
                    smallLive >> 20,
                    largeLive >> 20,
                    small.value("VMHWM_KB") >> 10,
                    large.value("VMHWM_KB") >> 10);
            assertThat(tableBytes)
                    .as("the table is far larger than the 128 MB heap")
                    .isGreaterThan(200L << 20);
            assertThat(largeLive)
                    .as("live heap after GC does not grow with the table")
                    .isLessThan(Math.max(smallLive * 2, smallLive + (24L << 20)));
            assertThat(largeLive).isLessThan(64L << 20);
            assertThat(large.value("VMHWM_KB") << 10).as("peak RSS").isLessThan(256L << 20);
        }
    }

    private ChildJvm.Result backup(TestPostgres.Database db, String label) throws Exception {
        Path out = home.resolve("out-" + label);
        ChildJvm.Result r = ChildJvm.run(
                List.of("-Xmx128m", "-XX:+UseSerialGC"),
                PeakMemoryMain.class.getName(),
                List.of("backup", "--type", "full", "--out", out.toString(), "--home", home.toString()),
                env(db),
                null);
        assertThat(r.exit()).as(r.stderr()).isZero();
        Path archive = Path.of(r.stdout()
                .lines()
                .filter(l -> l.endsWith(".zip"))
                .reduce((a, b) -> b)
                .orElseThrow());
        assertThat(ArchiveVerifier.verify(archive).ok()).isTrue();
        return r;
    }

    @Test
    void aDiskThatFillsUpEndsInAClearErrorLeavesNoArchiveAndKeepsThePreviousOne() throws Exception {
        ChildJvm.checkClasspath();
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/settings.yaml"), "a: b\n");
        Files.writeString(home.resolve("config/backups.yaml"), "deflateLevel: 1\n");
        try (TestPostgres.Database db = TestPostgres.createDatabase("bk_disk")) {
            try (Connection c = db.connect();
                    Statement st = c.createStatement()) {
                st.execute(
                        "CREATE TABLE noise AS SELECT g AS id, md5(g::text) || md5((g + 1)::text) || md5((g * 7)::text) || md5((g * 13)::text) AS h "
                                + "FROM generate_series(1, 150000) g");
            }
            Path out = home.resolve("backups");
            ChildJvm.Result first = ChildJvm.run(
                    List.of("-Xmx128m"),
                    "io.opsrouter.cli.OpsRouterCli",
                    List.of("backup", "--type", "config", "--out", out.toString(), "--home", home.toString()),
                    env(db),
                    null);
            assertThat(first.exit()).as(first.stderr()).isZero();
            Path previous = Path.of(first.stdout()
                    .lines()
                    .filter(l -> l.endsWith(".zip"))
                    .reduce((a, b) -> b)
                    .orElseThrow());

            ChildJvm.Result full = ChildJvm.run(
                    List.of("-Xmx128m"),
                    "io.opsrouter.cli.OpsRouterCli",
                    List.of("backup", "--type", "full", "--out", out.toString(), "--home", home.toString()),
                    env(db),
                    4096L);
            assertThat(full.exit()).as(full.stdout() + full.stderr()).isEqualTo(1);
            assertThat(full.stderr()).containsAnyOf("disk is full", "File too large");
            assertThat(full.stderr()).contains("P1 backup-failed FIRING");
            try (Stream<Path> files = Files.list(out)) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                        .containsExactly(previous.getFileName().toString(), previous.getFileName() + ".sha256");
            }
            assertThat(ArchiveVerifier.verify(previous).ok()).isTrue();
        }
    }
}
