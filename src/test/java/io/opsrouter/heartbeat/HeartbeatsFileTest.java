package io.opsrouter.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.alert.AlertRules;
import io.opsrouter.alert.Severity;
import io.opsrouter.alert.Signal;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import io.opsrouter.probe.Monitor;
import io.opsrouter.probe.MonitorsFile;
import io.opsrouter.testing.RouterHarness;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HeartbeatsFileTest {
    private static final Path FIXTURES = RouterHarness.REPO.resolve("src/test/resources/heartbeat");
    private static final String KEY = "0123456789abcdef0123456789abcdef";

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES)) {
            return files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    /** Each fixture names the error it must raise in its {@code # error:} lines (and its environment in {@code # env:}). */
    @ParameterizedTest
    @MethodSource("fixtures")
    void eachBadHeartbeatIsRefusedNamingFileLineHeartbeatAndReason(String name) throws IOException {
        String text = Files.readString(FIXTURES.resolve(name));
        Map<String, String> env = new HashMap<>();
        List<String> expected = text.lines()
                .filter(l -> l.startsWith("# error: "))
                .map(l -> l.substring(9))
                .toList();
        text.lines().filter(l -> l.startsWith("# env: ")).forEach(l -> {
            String[] kv = l.substring(7).split("=", 2);
            env.put(kv[0], kv[1]);
        });
        assertThat(expected).as("fixture %s names its error", name).isNotEmpty();
        assertThatThrownBy(() -> HeartbeatsFile.parse("monitors.yaml", new StringReader(text), new Env(env)))
                .isInstanceOf(SettingsException.class)
                .satisfies(e -> {
                    for (String part : expected) assertThat(e.getMessage()).contains(part);
                    for (String secret : env.values())
                        assertThat(e.getMessage()).doesNotContain(secret);
                });
    }

    @Test
    void shippedHeartbeatsAreDisabledUntilTheirKeyIsSetAndTheProbesSkipThem() {
        List<Heartbeat> off = HeartbeatsFile.load(RouterHarness.REPO, MonitorsFile.DEFAULT_FILE, new Env(Map.of()));
        assertThat(off).extracting(Heartbeat::id).containsExactly("nightly-db-job", "backup-script");
        assertThat(off)
                .extracting(Heartbeat::disabledReason)
                .containsExactly("set NIGHTLY_DB_JOB_HEARTBEAT_KEY to enable", "set BACKUP_HEARTBEAT_KEY to enable");
        assertThat(off).extracting(Heartbeat::key).containsOnlyNulls();

        List<Heartbeat> on = HeartbeatsFile.load(
                RouterHarness.REPO,
                MonitorsFile.DEFAULT_FILE,
                new Env(Map.of("NIGHTLY_DB_JOB_HEARTBEAT_KEY", KEY, "BACKUP_HEARTBEAT_KEY", KEY.toUpperCase())));
        assertThat(on).allMatch(Heartbeat::enabled);
        assertThat(on.get(0).schedule()).isEqualTo(new Schedule.Cron("0 30 1 * * ?", ZoneId.of("America/Toronto")));
        assertThat(on.get(1).schedule()).isEqualTo(new Schedule.Period(Duration.ofDays(1)));
        assertThat(on.get(1).grace()).isEqualTo(Duration.ofHours(2));

        List<Monitor> probed = MonitorsFile.load(RouterHarness.REPO, MonitorsFile.DEFAULT_FILE, new Env(Map.of()));
        assertThat(probed).extracting(Monitor::id).doesNotContain("nightly-db-job", "backup-script");
    }

    @Test
    void aHeartbeatIdUsedByAPolledMonitorIsRefusedByTheMonitorsFile() {
        String text = """
                monitors:
                  - id: backup-script
                    kind: tcp
                    host: example.com
                    port: 22
                  - id: backup-script
                    kind: heartbeat
                    key: x
                    period: 1d
                """;
        assertThatThrownBy(() -> MonitorsFile.parse("monitors.yaml", new StringReader(text), new Env(Map.of())))
                .hasMessageContaining("monitors.yaml:6: monitor backup-script: the id is used twice");
    }

    @Test
    void theShippedRulesClassifyTheShippedJobsDownAndThePipelineAndSchedulesAsP1() {
        AlertRules rules = AlertRules.load(RouterHarness.REPO.resolve(AlertRules.FILE), new Env(Map.of()));
        for (Heartbeat h : HeartbeatsFile.load(RouterHarness.REPO, MonitorsFile.DEFAULT_FILE, new Env(Map.of()))) {
            Signal down = HeartbeatSignals.job(
                    h, HeartbeatState.NEW.after(Ping.FAIL, Instant.EPOCH), HeartbeatState.Status.DOWN, Instant.EPOCH);
            assertThat(rule(rules, down).name()).as(h.id()).isEqualTo("heartbeat-job-down");
            assertThat(rule(rules, down).severity()).as(h.id()).isEqualTo(Severity.P1);
        }
        Signal broken = HeartbeatSignals.pipeline("prometheus=main", Instant.EPOCH, false, null, Instant.EPOCH);
        assertThat(rule(rules, broken).name()).isEqualTo("alerting-pipeline-broken");
        assertThat(broken.severity()).isEqualTo(Severity.P1);
        Signal stalled = HeartbeatSignals.schedule("alerts-sweep", Instant.EPOCH, true, Instant.EPOCH);
        assertThat(rule(rules, stalled).name()).isEqualTo("router-schedule-stalled");
        assertThat(rule(rules, stalled).severity()).isEqualTo(Severity.P1);
    }

    private static AlertRules.Rule rule(AlertRules rules, Signal s) {
        Map<String, String> labels = new HashMap<>(s.labels());
        labels.put("source", s.source());
        return rules.classify(labels, s.values());
    }
}
