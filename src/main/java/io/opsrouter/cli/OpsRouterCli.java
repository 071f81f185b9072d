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
                BackupCommand.class,
                VerifyCommand.class,
                RestoreCommand.class,
                BackupsCommand.class,
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

}
