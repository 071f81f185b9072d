package io.opsrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.config.Env;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code config check} on a copy of the shipped files, with one mistake (or doubt) per test and the exact report asserted. */
class ConfigCheckTest {
    /** What the shipped files need from the environment to be free of warnings. */
    private static final Map<String, String> DEPLOYED = Map.of(
            "ROUTER_PUBLIC_URL",
            "https://ops.example.com",
            "ONCALL_PRIMARY_PHONE",
            "+15145550001",
            "ONCALL_PRIMARY_EMAIL",
            "primary@example.com",
            "ONCALL_SECONDARY_PHONE",
            "+15145550002",
            "ONCALL_SECONDARY_EMAIL",
            "lead@example.com");

    private static final String CLEAN = "config check: valid, 0 error(s), 0 warning(s)\n";

    @TempDir
    Path home;

    private final Map<String, String> env = new HashMap<>(DEPLOYED);
    private String out;

    @BeforeEach
    void copyTheShippedFiles() throws IOException {
        for (String dir : new String[] {"config", "routes"}) {
            Path from = Path.of(dir);
            try (Stream<Path> files = Files.walk(from)) {
                for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
                    Path to = home.resolve(
                            from.relativize(p).toString().isEmpty() ? dir : dir + "/" + from.relativize(p));
                    if (Files.isDirectory(p)) Files.createDirectories(to);
                    else Files.copy(p, to);
                }
            }
        }
    }

    private int check(String... more) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String[] args = java.util.stream.Stream.concat(Stream.of("--home", home.toString()), Stream.of(more))
                .toArray(String[]::new);
        int exit = new CommandLine(
                        new ConfigCommand.Check(new Env(env), new PrintStream(bytes, true, StandardCharsets.UTF_8)))
                .execute(args);
        out = bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
        return exit;
    }

    private void edit(String file, String from, String to) throws IOException {
        Path p = home.resolve(file);
        String text = Files.readString(p);
        assertThat(text).as(file).contains(from);
        Files.writeString(p, text.replace(from, to));
    }

    @Test
    void theShippedFilesAreValidOnceDeployed() {
        assertThat(check()).isZero();
        assertThat(out).isEqualTo(CLEAN);
    }

    @Test
    void theShippedFilesAsCheckedOutOnlyWarnAndExitZero() {
        env.clear();
        assertThat(check()).isZero();
        assertThat(out).isEqualTo("""
                warning: config/application.properties: router.public-url: acknowledge links point at http://localhost:8080, which the people paged cannot open (fix: set ROUTER_PUBLIC_URL to the address people reach the router at)
                warning: config/escalation.yaml: people.primary: has no phone and no email: sms and e-mail to Primary on-call are not delivered (fix: set phone and email, or the environment variable the file reads it from)
                warning: config/escalation.yaml: people.secondary: has no phone and no email: sms and e-mail to Technical lead are not delivered (fix: set phone and email, or the environment variable the file reads it from)
                config check: valid, 0 error(s), 3 warning(s)
                """);
    }

    @Test
    void aPublicUrlOnLocalhostIsAWarningNamingTheVariable() {
        env.put("ROUTER_PUBLIC_URL", "http://127.0.0.1:8080");
        assertThat(check()).isZero();
        assertThat(out).isEqualTo("""
                warning: environment: ROUTER_PUBLIC_URL: acknowledge links point at http://127.0.0.1:8080, which the people paged cannot open (fix: set ROUTER_PUBLIC_URL to the address people reach the router at)
                config check: valid, 0 error(s), 1 warning(s)
                """);
    }

    @Test
    void aPersonWithoutAPhoneIsAWarning() {
        env.remove("ONCALL_SECONDARY_PHONE");
        assertThat(check()).isZero();
        assertThat(out).isEqualTo("""
                warning: config/escalation.yaml: people.secondary: has no phone: sms and e-mail to Technical lead are not delivered (fix: set phone, or the environment variable the file reads it from)
                config check: valid, 0 error(s), 1 warning(s)
                """);
    }

    @Test
    void aRuleNamingAMonitorThatDoesNotExistIsAWarning() throws IOException {
        edit("config/alert-rules.yaml", "match: {monitor: p1-unprocessed}", "match: {monitor: p1-unprocesed}");
        assertThat(check()).isZero();
        assertThat(out)
                .startsWith("warning: config/alert-rules.yaml: rule '")
                .contains(
                        "': matches monitor 'p1-unprocesed', which no monitor or heartbeat is called (fix: use one of frontend, ")
                .endsWith("config check: valid, 0 error(s), 1 warning(s)\n");
    }

    @Test
    void aPhoneFromTheEnvironmentIsReportedWithTheVariablesName() {
        env.put("ONCALL_PRIMARY_PHONE", "514-555-01");
        assertThat(check()).isEqualTo(1);
        assertThat(out).isEqualTo("""
                error:   environment: ONCALL_PRIMARY_PHONE: '514-555-01' is not a phone number in E.164 form, read by config/escalation.yaml people.primary.phone (fix: write it with the country code, e.g. +15145550123)
                config check: INVALID, 1 error(s), 0 warning(s)
                """);
    }

    @Test
    void aPhoneWrittenInTheFileIsReportedWithItsLine() throws IOException {
        edit("config/escalation.yaml", "phone: ${ONCALL_SECONDARY_PHONE:-}", "phone: 555-0199");
        assertThat(check()).isEqualTo(1);
        assertThat(out).isEqualTo("""
                error:   config/escalation.yaml:15: people.secondary.phone: '555-0199' is not a phone number in E.164 form (fix: write it with the country code, e.g. +15145550123)
                config check: INVALID, 1 error(s), 0 warning(s)
                """);
    }

    @Test
    void everyBrokenFileIsReportedNotOnlyTheFirst() throws IOException {
        edit("config/alert-rules.yaml", "match: {source: probe}", "match: {source: probe");
        edit("config/escalation.yaml", "{channel: slack}", "{channel: pager}");
        edit("config/backups.yaml", "deflateLevel: 1", "deflateLevel: 42");
        edit("config/application.properties", "router.db.pool-size = 8", "router.db.pool-size = many");
        Files.writeString(home.resolve("routes/broken.yaml"), "- route:\n    from: {uri: \"timer:x\"\n");
        assertThat(check()).isEqualTo(1);
        assertThat(out).isEqualTo("""
                error:   config/application.properties: router.db.pool-size: 'many' is not a whole number from 1 to 200 (fix: set it to a number from 1 to 200)
                error:   config/alert-rules.yaml:24: is not valid YAML: while parsing a flow mapping (fix: fix the YAML syntax)
                error:   config/alert-rules.yaml:123: is not valid YAML: while parsing a flow mapping (fix: fix the YAML syntax)
                error:   config/escalation.yaml:37: policies.P1.steps[0].notify[0].channel: 'pager' is not a channel (fix: use one of slack, email, sms, webhook, log)
                error:   config/backups.yaml: deflateLevel: '42' is not a whole number from 0 to 9 (fix: set a number from 0 to 9)
                error:   routes/broken.yaml:2: is not valid YAML: while parsing a flow mapping (fix: fix the YAML syntax)
                config check: INVALID, 6 error(s), 0 warning(s)
                """);
    }

    @Test
    void aRuleForAProbeKindNoMonitorHasIsAWarning() throws IOException {
        edit("config/alert-rules.yaml", "match: {kind: tls}", "match: {kind: tcp}");
        assertThat(check()).isZero();
        assertThat(out).isEqualTo("""
                warning: config/alert-rules.yaml: rule 'tls-expires-within-7-days': matches {kind=tcp}, which no monitor of config/monitors.yaml sends: the rule never fires (fix: correct the match, or add the monitor)
                warning: config/alert-rules.yaml: rule 'tls-expires-within-30-days': matches {kind=tcp}, which no monitor of config/monitors.yaml sends: the rule never fires (fix: correct the match, or add the monitor)
                config check: valid, 0 error(s), 2 warning(s)
                """);
    }

    /** Two rules share the broken line (24 and 122); the indices are the untouched file's, though items were taken out. */
    @Test
    void everyBrokenRuleOfOneFileIsReportedNotOnlyTheFirst() throws IOException {
        edit("config/alert-rules.yaml", "match: {source: probe}\n    matchRe", "match: {source: probe\n    matchRe");
        edit("config/alert-rules.yaml", "    for: 5m\n    severity: P2", "    for: 5 minutes\n    severity: P2");
        edit("config/alert-rules.yaml", "severity: P1\n    pageWithin: 2h", "severity: P7\n    pageWithin: 2h");
        assertThat(check()).isEqualTo(1);
        assertThat(out).isEqualTo("""
                error:   config/alert-rules.yaml:24: is not valid YAML: while parsing a flow mapping (fix: fix the YAML syntax)
                error:   config/alert-rules.yaml:123: is not valid YAML: while parsing a flow mapping (fix: fix the YAML syntax)
                error:   config/alert-rules.yaml: rules[4] (call-error-rate-high).for: '5 minutes' is not a duration; write it like 500ms, 30s, 5m, 2h or 1h30m (fix: write a duration such as 30s, 5m or 1h30m)
                error:   config/alert-rules.yaml: rules[5] (tls-expires-within-7-days).severity: 'P7' is not a severity; use P1, P2 or P3 (fix: use P1, P2 or P3)
                config check: INVALID, 4 error(s), 0 warning(s)
                """);
    }

    @Test
    void aMissingRulesFileIsAnError() throws IOException {
        Files.delete(home.resolve("config/alert-rules.yaml"));
        assertThat(check()).isEqualTo(1);
        assertThat(out).isEqualTo("""
                error:   config/alert-rules.yaml: is missing (fix: restore it from the release (see docs/alerts.md))
                config check: INVALID, 1 error(s), 0 warning(s)
                """);
    }

    @Test
    void aRoutesFileThatIsNotAListIsAnError() throws IOException {
        Files.writeString(home.resolve("routes/odd.yaml"), "route: {from: {uri: \"timer:x\"}}\n");
        assertThat(check()).isEqualTo(1);
        assertThat(out).isEqualTo("""
                error:   routes/odd.yaml: is not a list of routes (fix: start each route with '- route:', see the shipped routes/*.yaml)
                config check: INVALID, 1 error(s), 0 warning(s)
                """);
    }

    @Test
    void aBadMonitorAndABadTemplateAreBothReported() throws IOException {
        edit("config/monitors.yaml", "kind: http", "kind: htttp");
        Files.writeString(home.resolve("config/templates/pager.txt"), "{{summary}}\n");
        assertThat(check()).isEqualTo(1);
        // every http monitor of the file, each with its own line
        assertThat(out.lines().filter(l -> l.startsWith("error:   config/monitors.yaml")))
                .hasSize(7)
                .allMatch(
                        l -> l.matches("error:   config/monitors.yaml:\\d+: monitor [a-z-]+: unknown kind 'htttp' .*"));
        assertThat(out.lines().filter(l -> l.startsWith("error:   config/templates")))
                .hasSize(1);
    }

    @Test
    void detailedPrintsEachP1sPageBudgetAndTheShippedOnesKeepTheirPromise() {
        env.put("FRONTEND_URL", "https://www.example.com/");
        assertThat(check("--detailed")).isZero();
        assertThat(out.lines().filter(l -> l.startsWith("info:    page budget: ")))
                .hasSize(7)
                .contains("info:    page budget: monitor frontend -> rule site-unreachable (P1): 2m30s at worst from"
                        + " the failure to the phone = interval 15s + for 2m + sweep 5s + P1 group wait 0s + channel"
                        + " 10s; promise 3m (for 2m + router.page-budget.slack 1m)");
        assertThat(out).endsWith(CLEAN);
    }

    @Test
    void aP1ThatMayPageLaterThanItsPromiseIsAWarning() throws IOException {
        edit("config/monitors.yaml", "interval: 15s ", "interval: 2m ");
        assertThat(check()).isZero();
        assertThat(out)
                .isEqualTo("warning: config/monitors.yaml: monitor frontend -> config/alert-rules.yaml rule"
                        + " site-unreachable: a P1 may reach the phone 4m15s after the failure, later than its promise"
                        + " of 3m (for 2m + router.page-budget.slack 1m) (fix: shorten the monitor's interval or"
                        + " retryInterval, the P1 groupWait, or give the rule pageWithin)\n"
                        + "config check: valid, 0 error(s), 1 warning(s)\n");
    }

    @Test
    void aBadPageBudgetSlackIsAnError() throws IOException {
        Path props = home.resolve("config/application.properties");
        Files.writeString(props, Files.readString(props) + "\nrouter.page-budget.slack=soon\n");
        assertThat(check()).isEqualTo(ConfigCommand.Check.ERRORS);
        assertThat(out.lines().filter(l -> l.startsWith("error:")))
                .containsExactly("error:   config/application.properties: router.page-budget.slack: 'soon' is not a"
                        + " duration; write it like 500ms, 30s, 5m, 2h or 1h30m (fix: write a duration such as 30s, 5m"
                        + " or 1h)");
    }
}
