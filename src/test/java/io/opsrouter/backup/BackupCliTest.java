package io.opsrouter.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.cli.OpsRouterCli;
import io.opsrouter.store.StateStore;
import io.opsrouter.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupCliTest {
    @TempDir
    Path home;

    record Run(int exit, String out, String err) {}

    static synchronized Run cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = OpsRouterCli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void aSuccessfulBackupByHandPrintsNoResolvedAlert() throws Exception {
        java.nio.file.Files.createDirectories(home.resolve("config"));
        java.nio.file.Files.writeString(home.resolve("config/alert-rules.yaml"), "rules: []\n");
        Run made = cli("backup", "--type", "config", "--home", home.toString());
        assertThat(made.exit()).as(made.err()).isZero();
        assertThat(made.out().strip()).endsWith(".zip");
        assertThat(made.err()).doesNotContain("RESOLVED").doesNotContain("P1");
    }

    @Test
    void restoreListAndRefuseThroughTheCommandLine() throws Exception {
        try (TestPostgres.Database source = TestPostgres.createDatabase("bk_cli");
                TestPostgres.Database target = TestPostgres.createDatabase("bk_cli_dst")) {
            TestData.createSchema(source);
            Path archive;
            try (StateStore store = StateStore.open(
                    "jdbc:h2:file:" + home.resolve("data/router"), null, null, 2, home.resolve("data"))) {
                BackupService svc = new BackupService(
                        TestData.settings(home, ""),
                        TestData.env(source, Map.of()),
                        new Catalogue(store),
                        null,
                        s -> {},
                        Clock.systemUTC(),
                        "test");
                archive = Path.of(svc.run("full"));
            }

            Run list = cli("backups", "list", "--home", home.toString());
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.out())
                    .contains(archive.getFileName().toString())
                    .contains("full")
                    .contains("yes");

            Run unsigned =
                    cli("restore", archive.toString(), "--target-url", target.url(), "--target-user", target.user());
            assertThat(unsigned.exit()).isEqualTo(1);
            assertThat(unsigned.err())
                    .contains("manifest.sig: missing: the archive is not signed")
                    .contains("--accept-unsigned");
            Run unsignedVerify = cli("verify", archive.toString());
            assertThat(unsignedVerify.exit()).isEqualTo(1);
            assertThat(unsignedVerify.out()).contains("manifest.sig: missing");

            Run restore = cli(
                    "restore",
                    archive.toString(),
                    "--target-url",
                    target.url(),
                    "--target-user",
                    target.user(),
                    "--jobs",
                    "2",
                    "--accept-unsigned");
            assertThat(restore.exit()).as(restore.err()).isZero();
            assertThat(restore.out()).contains("restored 6 tables");
            assertThat(TestData.fingerprints(target)).isEqualTo(TestData.fingerprints(source));

            Run again = cli(
                    "restore",
                    archive.toString(),
                    "--target-url",
                    target.url(),
                    "--target-user",
                    target.user(),
                    "--accept-unsigned");
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("not empty").contains("--clean");

            Run some = cli(
                    "restore",
                    archive.toString(),
                    "--target-url",
                    target.url(),
                    "--target-user",
                    target.user(),
                    "--clean",
                    "--tables",
                    "public.customers,settings_kv",
                    "--accept-unsigned");
            assertThat(some.exit()).as(some.err()).isZero();
            assertThat(some.out()).contains("restored 2 tables");

            Run missing = cli("verify", home.resolve("nope.zip").toString());
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.out()).contains("no such file");
        }
    }
}
