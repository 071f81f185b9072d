package io.opsrouter.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar ops-router.jar [run|check|config check|backup|verify|restore|backups|notifications]}; {@code run} is the default. */
@Command(
        name = "ops-router",
        description = "Probes, alerts, escalation, ingestion and backups for the call-handling system.",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {
            RunCommand.class,
            CheckCommand.class,
            ConfigCommand.class,
            BackupCommand.class,
            VerifyCommand.class,
            RestoreCommand.class,
            BackupsCommand.class,
            NotificationsCommand.class,
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

    /** Commands that print a result (an archive path, a report) on stdout; their log lines go to stderr. */
    static final java.util.Set<String> ONE_SHOT =
            java.util.Set.of("check", "config", "backup", "verify", "restore", "backups", "notifications");

    public static void main(String[] args) {
        CommonPool.sizeBeforeFirstUse();
        // one command model for both steps: building it (reflection over every command) is a tenth of start-up
        CommandLine cli = new CommandLine(new OpsRouterCli());
        // before the first logger: logback reads the console target once, when it starts
        String command = subcommand(cli, args);
        if (command != null && ONE_SHOT.contains(command)) System.setProperty("ROUTER_LOG_TARGET", "System.err");
        // picocli resets every option to its initial value before it parses again
        System.exit(cli.execute(args));
    }

    /** The subcommand the arguments name, or null (run, or arguments picocli will refuse with its own message). */
    static String subcommand(String... args) {
        return subcommand(new CommandLine(new OpsRouterCli()), args);
    }

    private static String subcommand(CommandLine cli, String... args) {
        try {
            CommandLine.ParseResult parsed = cli.parseArgs(args);
            return parsed.subcommand() == null
                    ? null
                    : parsed.subcommand().commandSpec().name();
        } catch (CommandLine.ParameterException e) {
            return null;
        }
    }

    public static int execute(String... args) {
        return new CommandLine(new OpsRouterCli()).execute(args);
    }
}
