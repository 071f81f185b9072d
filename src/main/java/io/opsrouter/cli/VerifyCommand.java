package io.opsrouter.cli;

import io.opsrouter.backup.ArchiveVerifier;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Recompute every checksum of a backup archive against its manifest (exit 0 good, 1 corrupt).")
public final class VerifyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ARCHIVE", description = "The backup zip")
    Path archive;

    @Override
    public Integer call() {
        ArchiveVerifier.Report r = ArchiveVerifier.verify(archive);
        if (r.ok()) {
            System.out.println("ok: " + archive + " (" + r.manifest().entries().size() + " entries, " + r.manifest().totalRows() + " rows, "
                    + r.manifest().type() + " of " + r.manifest().createdAt() + ")");
            return 0;
        }
        System.out.println("corrupt: " + archive + ": " + r.describe());
        return 1;
    }
}
