package io.opsrouter.cli;

import io.opsrouter.backup.BackupException;
import io.opsrouter.backup.BackupType;
import io.opsrouter.backup.BackupWriter;
import io.opsrouter.config.SettingsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = "Take one backup by hand, verify it, record it, and print the archive path.")
public final class BackupCommand implements Callable<Integer> {
    @Mixin
    HomeOption home = new HomeOption();

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "full, incremental or config")
    String type;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Folder for the archive (default: output in config/backups.yaml)")
    Path out;

    @Override
    public Integer call() {
        BackupType t;
        try {
            t = BackupType.parse(type);
        } catch (IllegalArgumentException e) {
            System.err.println("ops-router backup: " + e.getMessage());
            return 2;
        }
        try (BackupCli cli = new BackupCli(home.resolve(io.opsrouter.config.Env.system()), out)) {
            BackupWriter.Result r = cli.service.runOnce(t, cli.settings);
            System.out.println(r.archive());
            if (cli.store == null) {
                // written and verified, but retention and the missing-backup watch do not know it
                System.err.println("ops-router backup: " + r.archive() + " is not in the catalogue (see above)");
                return 1;
            }
            return 0;
        } catch (SettingsException | BackupException e) {
            System.err.println("ops-router backup: " + e.getMessage());
            return 1;
        }
    }
}
