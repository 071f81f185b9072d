package io.opsrouter.cli;

import io.opsrouter.backup.BackupException;
import io.opsrouter.backup.Restorer;
import io.opsrouter.backup.SourceDb;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = "Restore a full backup (and the incrementals after it) into an empty database.")
public final class RestoreCommand implements Callable<Integer> {
    @Parameters(
            arity = "1..*",
            paramLabel = "ARCHIVE",
            description = "A full backup, then any incrementals taken after it")
    List<Path> archives;

    @Option(
            names = "--target-url",
            required = true,
            paramLabel = "JDBC_URL",
            description = "jdbc:postgresql://host:5432/db")
    String url;

    @Option(names = "--target-user", paramLabel = "U")
    String user;

    @Option(names = "--target-password", paramLabel = "P", description = "or set TARGET_RESTORE_PASSWORD")
    String password;

    @Option(
            names = "--tables",
            split = ",",
            paramLabel = "TABLE",
            description = "Restore only these tables (schema.table or table)")
    Set<String> tables;

    @Option(
            names = "--clean",
            description = "Drop the tables and sequences the archive lists that the target holds first (nothing else)")
    boolean clean;

    @Option(
            names = "--accept-unsigned",
            description = "Accept archives not signed with " + io.opsrouter.backup.ArchiveSigning.ENV
                    + " (or when it is not set): anyone who could write an archive may have changed what it restores")
    boolean acceptUnsigned;

    @Option(names = "--jobs", defaultValue = "2", description = "Parallel COPY streams (default 2)")
    int jobs;

    @Override
    public Integer call() {
        if (!url.startsWith("jdbc:postgresql:")) {
            System.err.println(
                    "ops-router restore: --target-url '" + SourceDb.redact(url) + "' is not a jdbc:postgresql: URL");
            return 2;
        }
        String pw = password != null
                ? password
                : io.opsrouter.config.Env.system()
                        .get("TARGET_RESTORE_PASSWORD")
                        .orElse(null);
        long t0 = System.nanoTime();
        io.opsrouter.backup.ArchiveTrust trust;
        try {
            trust = io.opsrouter.backup.ArchiveTrust.fromEnv(io.opsrouter.config.Env.system(), acceptUnsigned);
        } catch (io.opsrouter.config.SettingsException e) {
            System.err.println("ops-router restore: " + e.getMessage());
            return 2;
        }
        try {
            Restorer.Summary s = new Restorer(
                            new Restorer.Options(new SourceDb(url, user, pw), tables, clean, Math.max(1, jobs), trust),
                            msg -> System.err.printf("restore %6.1fs: %s%n", (System.nanoTime() - t0) / 1e9, msg))
                    .restore(archives);
            s.warnings().forEach(w -> System.err.println("warning: " + w));
            System.out.printf(
                    "restored %d tables, %d rows in %.1f s%n", s.tables(), s.rows(), (System.nanoTime() - t0) / 1e9);
            return 0;
        } catch (BackupException e) {
            System.err.println("ops-router restore: " + e.getMessage());
            return 1;
        }
    }
}
