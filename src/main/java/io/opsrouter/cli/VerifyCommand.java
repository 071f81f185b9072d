package io.opsrouter.cli;

import io.opsrouter.backup.ArchiveSigning;
import io.opsrouter.backup.ArchiveTrust;
import io.opsrouter.backup.ArchiveVerifier;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = "Check a backup archive as restore reads it: its signature (" + ArchiveSigning.ENV
                + "), entry names and sizes, "
                + "the schema statements, and every checksum against its manifest (exit 0 good, 1 refused).")
public final class VerifyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ARCHIVE", description = "The backup zip")
    Path archive;

    @Option(
            names = "--accept-unsigned",
            description = "Accept an archive that is not signed with " + ArchiveSigning.ENV
                    + " (or when it is not set): anyone who could write the archive may have changed it")
    boolean acceptUnsigned;

    @Override
    public Integer call() {
        ArchiveTrust trust;
        try {
            trust = ArchiveTrust.fromEnv(Env.system(), acceptUnsigned);
        } catch (SettingsException e) {
            System.err.println("ops-router verify: " + e.getMessage());
            return 2;
        }
        ArchiveVerifier.Report r = ArchiveVerifier.verify(archive, 2, true, trust);
        if (r.ok()) {
            System.out.println("ok: " + archive + " (" + r.manifest().entries().size() + " entries, "
                    + r.manifest().totalRows() + " rows, " + r.manifest().type() + " of "
                    + r.manifest().createdAt() + ")");
            return 0;
        }
        System.out.println("refused: " + archive + ": " + r.describe());
        return 1;
    }
}
