package io.opsrouter.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar ops-router.jar [run|check|backup|verify|restore|backups]}; {@code run} is the default. */
@Command(name = "ops-router",
        description = "Probes, alerts, escalation, ingestion and backups for the call-handling system.",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {
                RunCommand.class,
                CheckCommand.class,
                OpsRouterCli.Backup.class,
                OpsRouterCli.Verify.class,
                OpsRouterCli.Restore.class,
                OpsRouterCli.Backups.class,
        })
public final class OpsRouterCli implements Callable<Integer> {

    @CommandLine.Mixin
    HomeOption home = new HomeOption();

    @Override
    public Integer call() throws Exception {
        RunCommand run = new RunCommand();
        run.home = home;
        return run.call();
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return new CommandLine(new OpsRouterCli()).execute(args);
    }

    @Command(name = "backup", description = "Take one backup by hand and print the archive path.")
    static final class Backup extends NotBuiltYet {}

    @Command(name = "verify", description = "Recompute every checksum of a backup archive.")
    static final class Verify extends NotBuiltYet {}

    @Command(name = "restore", description = "Restore a backup archive into an empty database.")
    static final class Restore extends NotBuiltYet {}

    @Command(name = "backups", description = "List the backup catalogue.")
    static final class Backups extends NotBuiltYet {}
}
