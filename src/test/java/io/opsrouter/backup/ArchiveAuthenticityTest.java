package io.opsrouter.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import io.opsrouter.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives are authenticated, and restore runs only what a backup writes (issue 18, finding 4). */
class ArchiveAuthenticityTest {
    static final String KEY = "k7Vq2x9ZpL4mN8rT1wY6bC3dF5gH0jKs-test-signing-key";
    static final ArchiveSigning SIGNING = new ArchiveSigning(KEY);
    static final ArchiveTrust SIGNED_ONLY = new ArchiveTrust(SIGNING, false);
    static final String COPY_PROGRAM = "COPY (SELECT 1) TO PROGRAM 'id > %s';\n";

    static TestPostgres.Database source;
    static Path archive;

    @TempDir
    static Path home;

    @BeforeAll
    static void backup() throws Exception {
        source = TestPostgres.createDatabase("bk_auth");
        TestData.createSchema(source);
        BackupSettings s = TestData.settings(home, "");
        archive = new BackupWriter(
                        s,
                        TestData.source(source),
                        SecretMasker.from(TestData.env(source, Map.of()), List.of()),
                        Clock.systemUTC(),
                        "test",
                        SIGNING)
                .write(BackupType.FULL, null)
                .archive();
    }

    @AfterAll
    static void drop() {
        source.close();
    }

    private static Restorer restorer(TestPostgres.Database target, boolean clean, ArchiveTrust trust) {
        return new Restorer(new Restorer.Options(TestData.source(target), null, clean, 2, trust), m -> {});
    }

    @Test
    void aSignedArchiveVerifiesAndRestoresWithItsKeyAndIsRefusedWithoutIt() throws Exception {
        assertThat(ArchiveVerifier.verify(archive, 2, true, SIGNED_ONLY).ok()).isTrue();
        ArchiveVerifier.Report otherKey = ArchiveVerifier.verify(
                archive, 2, true, new ArchiveTrust(new ArchiveSigning(KEY.replace('k', 'q')), false));
        assertThat(otherKey.describe()).startsWith("manifest.sig: does not match the manifest");
        ArchiveVerifier.Report noKey = ArchiveVerifier.verify(archive, 2, true, new ArchiveTrust(null, false));
        assertThat(noKey.describe())
                .startsWith("manifest.sig: cannot be checked: ROUTER_BACKUP_SIGNING_KEY is not set");
        try (TestPostgres.Database target = TestPostgres.createDatabase("bk_auth_ok")) {
            restorer(target, false, SIGNED_ONLY).restore(List.of(archive));
            assertThat(TestData.fingerprints(target)).isEqualTo(TestData.fingerprints(source));
        }
    }

    @Test
    void aTooShortKeyIsRefusedAtLoadWithoutShowingIt() {
        assertThatThrownBy(() -> ArchiveSigning.fromEnv(new Env(Map.of(ArchiveSigning.ENV, "hunter2-short"))))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        "environment: ROUTER_BACKUP_SIGNING_KEY: is 13 bytes long: an archive signing key needs at least 32 "
                                + "(fix: set it to a random value, e.g. the output of `openssl rand -base64 48`)");
        assertThat(ArchiveSigning.fromEnv(new Env(Map.of()))).isEmpty();
        assertThat(SIGNING.toString()).doesNotContain(KEY);
    }

    @Test
    void copyToProgramAppendedToTheSchemaIsRefusedBySignatureAndBySchemaCheckAndNeverRuns() throws Exception {
        Path marker = home.resolve("program-ran-" + System.nanoTime());
        Tamper t = Tamper.of(archive);
        byte[] pre = t.get("schema/pre-data.sql");
        byte[] evil = concat(pre, String.format(COPY_PROGRAM, marker).getBytes(StandardCharsets.UTF_8));
        t.put("schema/pre-data.sql", evil);
        Path unsigned = t.write(home.resolve("evil-unsigned.zip"), null);
        Path wronglySigned = t.write(home.resolve("evil-wrong-key.zip"), new ArchiveSigning(KEY + "-attacker"));
        Path resigned = t.write(home.resolve("evil-resigned.zip"), SIGNING);

        // the attacker without the key: refused by the signature
        assertThat(ArchiveVerifier.verify(unsigned, 2, true, SIGNED_ONLY).describe())
                .startsWith("manifest.sig: missing: the archive is not signed");
        assertThat(ArchiveVerifier.verify(wronglySigned, 2, true, SIGNED_ONLY).describe())
                .startsWith("manifest.sig: does not match the manifest");
        // with the key (or told to accept unsigned): refused by the schema check, naming the entry and the statement
        for (var v : List.of(
                ArchiveVerifier.verify(resigned, 2, true, SIGNED_ONLY),
                ArchiveVerifier.verify(unsigned, 2, true, new ArchiveTrust(null, true)))) {
            assertThat(v.ok()).isFalse();
            assertThat(v.entry()).isEqualTo("schema/pre-data.sql");
            assertThat(v.problem())
                    .contains("refused statement \"COPY (SELECT 1) TO PROGRAM 'id > " + marker + "'\"")
                    .contains("COPY … PROGRAM");
        }
        try (TestPostgres.Database target = TestPostgres.createDatabase("bk_auth_evil")) {
            assertThatThrownBy(() -> restorer(target, false, SIGNED_ONLY).restore(List.of(unsigned)))
                    .isInstanceOf(BackupException.class)
                    .hasMessageStartingWith("manifest.sig: missing");
            assertThatThrownBy(() -> restorer(target, false, SIGNED_ONLY).restore(List.of(wronglySigned)))
                    .isInstanceOf(BackupException.class)
                    .hasMessageStartingWith("manifest.sig: does not match");
            assertThatThrownBy(() -> restorer(target, false, SIGNED_ONLY).restore(List.of(resigned)))
                    .isInstanceOf(BackupException.class)
                    .hasMessageStartingWith("schema/pre-data.sql: refused statement \"COPY (SELECT 1) TO PROGRAM");
            assertThatThrownBy(() ->
                            restorer(target, false, ArchiveTrust.UNCHECKED).restore(List.of(unsigned)))
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("COPY … PROGRAM");
            assertThat(marker).doesNotExist();
            try (Connection c = target.connect();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("nothing was restored").isZero();
            }
        }
        BackupCliTest.Run cli = BackupCliTest.cli("verify", "--accept-unsigned", resigned.toString());
        assertThat(cli.exit()).isEqualTo(1);
        assertThat(cli.out()).contains("schema/pre-data.sql: refused statement \"COPY (SELECT 1) TO PROGRAM");
    }

    @Test
    void otherStatementsABackupNeverWritesAreRefusedInASignedArchive() throws Exception {
        List<String> evil = List.of(
                "DO $$ BEGIN PERFORM 1; END $$;",
                "ALTER SYSTEM SET archive_command = 'id';",
                "CREATE ROLE intruder SUPERUSER LOGIN;",
                "SET ROLE postgres;",
                "CREATE FUNCTION public.sh() RETURNS void LANGUAGE plpython3u AS $$ import os $$;",
                "CREATE FUNCTION public.rd() RETURNS text LANGUAGE plpgsql AS $x$ BEGIN EXECUTE 'COPY t FROM PROGRAM ''id'''; RETURN ''; END $x$;",
                "SELECT pg_catalog.set_config('role', 'postgres', false);",
                "CREATE TABLE public.loot AS SELECT pg_read_file('/etc/passwd');");
        for (String stmt : evil) {
            Tamper t = Tamper.of(archive);
            t.put(
                    "schema/post-data.sql",
                    concat(t.get("schema/post-data.sql"), ("\n" + stmt + "\n").getBytes(StandardCharsets.UTF_8)));
            ArchiveVerifier.Report r =
                    ArchiveVerifier.verify(t.write(home.resolve("stmt.zip"), SIGNING), 1, false, SIGNED_ONLY);
            assertThat(r.ok()).as(stmt).isFalse();
            assertThat(r.entry()).as(stmt).isEqualTo("schema/post-data.sql");
            assertThat(r.problem()).as(stmt).startsWith("refused statement \"" + stmt.substring(0, 12));
            Files.delete(home.resolve("stmt.zip"));
        }
    }

    @Test
    void cleanDropsOnlyWhatTheManifestListsAndTheTargetHolds() throws Exception {
        Tamper t = Tamper.of(archive).manifest(m -> {
            List<Manifest.TableInfo> tables = new ArrayList<>(m.tables());
            tables.add(new Manifest.TableInfo(
                    "victim", "not_there", List.of("id"), List.of("id"), "whole", null, 0, List.of()));
            return Tamper.withTables(m, tables);
        });
        Path crafted = t.write(home.resolve("crafted-clean.zip"), SIGNING);
        try (TestPostgres.Database target = TestPostgres.createDatabase("bk_auth_clean")) {
            try (Connection c = target.connect();
                    Statement st = c.createStatement()) {
                st.execute(
                        "CREATE SCHEMA victim; CREATE TABLE victim.keep (id int); INSERT INTO victim.keep VALUES (42)");
            }
            restorer(target, false, SIGNED_ONLY).restore(List.of(archive));
            try (Connection c = target.connect();
                    Statement st = c.createStatement()) {
                st.execute("CREATE TABLE public.unrelated (id int); INSERT INTO public.unrelated VALUES (7)");
            }
            restorer(target, true, SIGNED_ONLY).restore(List.of(crafted));
            try (Connection c = target.connect();
                    Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT id FROM victim.keep")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(42);
                }
                try (ResultSet rs = st.executeQuery("SELECT id FROM public.unrelated")) {
                    assertThat(rs.next())
                            .as("a table of the target the archive does not list survives --clean")
                            .isTrue();
                }
            }
            Map<String, String> fp = TestData.fingerprints(target);
            fp.remove("unrelated");
            assertThat(fp).isEqualTo(TestData.fingerprints(source));
        }
    }

    @Test
    void aSchemaEntryBeyondItsLimitIsRefusedBeforeItIsReadWhole() throws Exception {
        int big = (int) ArchiveReader.SCHEMA_MAX + (1 << 20);
        byte[] bomb = new byte[big];
        Arrays.fill(bomb, (byte) '\n');
        Tamper honest = Tamper.of(archive);
        byte[] pre = honest.get("schema/pre-data.sql");
        System.arraycopy(pre, 0, bomb, 0, pre.length);
        honest.put("schema/pre-data.sql", bomb);
        Path declared = honest.write(home.resolve("bomb-declared.zip"), SIGNING);
        assertThat(Files.size(declared)).as("a small archive").isLessThan(2L << 20);
        // the manifest tells the truth: refused on the declared size
        ArchiveVerifier.Report r = ArchiveVerifier.verify(declared, 1, false, SIGNED_ONLY);
        assertThat(r.entry()).isEqualTo("schema/pre-data.sql");
        assertThat(r.problem())
                .isEqualTo("the manifest says " + big + " bytes; an entry of this kind holds at most "
                        + ArchiveReader.SCHEMA_MAX);
        // the manifest lies (the original size and hash): refused once the bytes pass that size, before the rest is
        // read
        Tamper lying = Tamper.of(archive).putUnlisted("schema/pre-data.sql", bomb);
        Path lies = lying.write(home.resolve("bomb-lying.zip"), SIGNING);
        ArchiveVerifier.Report l = ArchiveVerifier.verify(lies, 1, false, SIGNED_ONLY);
        assertThat(l.entry()).isEqualTo("schema/pre-data.sql");
        assertThat(l.problem()).contains("the zip says " + big + " bytes, the manifest " + pre.length);
        try (TestPostgres.Database target = TestPostgres.createDatabase("bk_auth_bomb")) {
            assertThatThrownBy(() -> restorer(target, false, SIGNED_ONLY).restore(List.of(declared)))
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("holds at most");
            assertThatThrownBy(() -> restorer(target, false, SIGNED_ONLY).restore(List.of(lies)))
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("the zip says");
        }
    }

    @Test
    void anEntryLongerThanTheManifestSaysIsCutAtThatSize() {
        java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
        assertThatThrownBy(() -> {
                    try (var in = new SizeLimitedInputStream(
                            new java.io.ByteArrayInputStream(new byte[1 << 20]), 1000, "data/x/0001.copy")) {
                        byte[] buf = new byte[1 << 16];
                        for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) read.addAndGet(n);
                    }
                })
                .isInstanceOf(java.io.IOException.class)
                .hasMessage("data/x/0001.copy holds more than the 1000 bytes the manifest lists");
        assertThat(read.get()).isLessThanOrEqualTo(1001);
    }

    @Test
    void verifyRefusesZipSlipNamesAndDuplicates() throws Exception {
        Path slip = Tamper.of(archive)
                .put("files/config/../../../etc/cron.d/evil", "* * * * * root id\n".getBytes(StandardCharsets.UTF_8))
                .write(home.resolve("slip.zip"), SIGNING);
        ArchiveVerifier.Report r = ArchiveVerifier.verify(slip, 1, false, SIGNED_ONLY);
        assertThat(r.describe())
                .isEqualTo(
                        "files/config/../../../etc/cron.d/evil: the entry name holds an empty, '.' or '..' part (a path out of the restore)");
        Path absolute = Tamper.of(archive)
                .put("/etc/passwd", "x".getBytes(StandardCharsets.UTF_8))
                .write(home.resolve("abs.zip"), SIGNING);
        assertThat(ArchiveVerifier.verify(absolute, 1, false, SIGNED_ONLY).describe())
                .isEqualTo("/etc/passwd: an absolute or Windows path as entry name");

        Path listedOften = Tamper.of(archive)
                .manifest(m -> {
                    List<Manifest.Entry> entries = new ArrayList<>(m.entries());
                    Manifest.Entry first = m.entries().get(0);
                    for (int i = 0; i < 3000; i++) entries.add(first);
                    return Tamper.withEntries(m, entries);
                })
                .write(home.resolve("listed-often.zip"), SIGNING);
        ArchiveVerifier.Report d = ArchiveVerifier.verify(listedOften, 1, false, SIGNED_ONLY);
        assertThat(d.ok()).isFalse();
        assertThat(d.problem()).isEqualTo("is listed twice in the manifest");

        Tamper twice = Tamper.of(archive);
        Path inZipTwice = twice.duplicateInZip("schema/post-data.sql").write(home.resolve("twice.zip"), SIGNING);
        ArchiveVerifier.Report z = ArchiveVerifier.verify(inZipTwice, 1, false, SIGNED_ONLY);
        assertThat(z.ok()).isFalse();
        assertThat(z.describe()).contains("schema/post-data.sql");
        try (TestPostgres.Database target = TestPostgres.createDatabase("bk_auth_slip")) {
            assertThatThrownBy(() -> restorer(target, false, SIGNED_ONLY).restore(List.of(slip)))
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("a path out of the restore");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
