package io.opsrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class OpsRouterCliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Object command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void versionPrintsTheRouterVersion() {
        assertThat(run(new OpsRouterCli(), "--version")).isZero();
        assertThat(out.toString()).startsWith("ops-router ");
    }

    @Test
    void helpListsEverySubCommand() {
        assertThat(run(new OpsRouterCli(), "--help")).isZero();
        assertThat(out.toString()).contains("run", "check", "backup", "verify", "restore", "--home");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(run(new OpsRouterCli(), "--frobnicate")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void oneShotCommandsAreToldApartFromRun() {
        assertThat(OpsRouterCli.subcommand("backup", "--type", "config")).isEqualTo("backup");
        assertThat(OpsRouterCli.subcommand("--home", "/srv/backup", "verify", "backup"))
                .isEqualTo("verify");
        assertThat(OpsRouterCli.subcommand()).isNull();
        assertThat(OpsRouterCli.subcommand("run")).isEqualTo("run");
        assertThat(OpsRouterCli.ONE_SHOT).doesNotContain("run");
        assertThat(OpsRouterCli.subcommand("--frobnicate")).isNull();
    }

    @Command(name = "later")
    static final class Later extends NotBuiltYet {}

    @Test
    void aSubCommandNotBuiltYetSaysSoAndExitsTwo() {
        CommandLine cli = new CommandLine(new OpsRouterCli()).addSubcommand(new Later());
        assertThat(cli.execute("later", "--any", "args")).isEqualTo(NotBuiltYet.EXIT);
    }
}
