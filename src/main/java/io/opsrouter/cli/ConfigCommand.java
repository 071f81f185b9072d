package io.opsrouter.cli;

import io.opsrouter.config.Env;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ops-router config check}: the configuration, checked without starting the router. */
@Command(
        name = "config",
        description = "Work with the configuration files.",
        mixinStandardHelpOptions = true,
        subcommands = ConfigCommand.Check.class)
public final class ConfigCommand implements Runnable {
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                new picocli.CommandLine(this), "name a subcommand: config check");
    }

    /** Exit codes as amtool's check-config: 0 valid (warnings alone are fine), 1 an error; picocli's 2 for bad arguments. */
    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description =
                    "Validate every file the router reads without starting it: every error with file, line and fix, "
                            + "and warnings for what is legal but probably wrong. Exit 0 valid, 1 errors (warnings alone exit 0).")
    public static final class Check implements Callable<Integer> {
        public static final int OK = 0;
        public static final int ERRORS = 1;

        @Mixin
        HomeOption home = new HomeOption();

        @picocli.CommandLine.Option(
                names = "--detailed",
                description = "Also print information: each P1's time-to-page budget per monitor and rule.")
        boolean detailed;

        private final Env env;
        private final PrintStream out;

        public Check() {
            this(Env.system(), System.out);
        }

        public Check(Env env, PrintStream out) {
            this.env = env;
            this.out = out;
        }

        @Override
        public Integer call() {
            List<ConfigCheck.Finding> findings = new ConfigCheck(home.resolve(env), env).run();
            findings.stream().filter(f -> detailed || !f.info()).forEach(out::println);
            long errors = findings.stream().filter(ConfigCheck.Finding::error).count();
            long warnings =
                    findings.stream().filter(ConfigCheck.Finding::warning).count();
            out.println("config check: " + (errors == 0 ? "valid" : "INVALID") + ", " + errors + " error(s), "
                    + warnings + " warning(s)");
            return errors == 0 ? OK : ERRORS;
        }
    }
}
