package io.opsrouter.cli;

import io.opsrouter.backup.Catalogue;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "backups", mixinStandardHelpOptions = true, description = "List the backup catalogue: backups list")
public final class BackupsCommand implements Callable<Integer> {
    @Mixin
    HomeOption home = new HomeOption();

    @Parameters(arity = "0..1", paramLabel = "list", defaultValue = "list", description = "list (the default)")
    String action;

    @Override
    public Integer call() {
        if (!"list".equals(action)) {
            System.err.println("ops-router backups: unknown action '" + action + "' (use: backups list)");
            return 2;
        }
        try (BackupCli cli = new BackupCli(home.resolve(io.opsrouter.config.Env.system()), null)) {
            if (cli.store == null) return 1;
            System.out.printf(
                    "%-40s %-11s %-10s %-20s %8s %12s %12s  %s%n",
                    "ID", "TYPE", "STATUS", "SNAPSHOT", "VERIFIED", "SIZE", "ROWS", "PATH / ERROR");
            for (Catalogue.Row r : new Catalogue(cli.store).list()) {
                String status = r.deletedAt() != null ? "deleted" : r.status();
                System.out.printf(
                        "%-40s %-11s %-10s %-20s %8s %12s %12s  %s%n",
                        r.id(),
                        r.type().label(),
                        status,
                        r.snapshotAt() == null ? "-" : r.snapshotAt().toString().replaceFirst("\\.\\d+Z$", "Z"),
                        r.verified() ? "yes" : "no",
                        r.sizeBytes() == null ? "-" : r.sizeBytes(),
                        r.rows() == null ? "-" : r.rows(),
                        r.error() != null ? r.error() : r.path());
            }
            return 0;
        }
    }
}
