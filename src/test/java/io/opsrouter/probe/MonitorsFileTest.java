package io.opsrouter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.alert.Severity;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import io.opsrouter.testing.RouterHarness;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MonitorsFileTest {
    private static final Path FIXTURES = RouterHarness.REPO.resolve("src/test/resources/probe");

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
    void eachBadMonitorFileIsRefusedNamingFileMonitorAndReason(String name) throws IOException {
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
        assertThatThrownBy(() -> MonitorsFile.parse("monitors.yaml", new StringReader(text), new Env(env)))
                .isInstanceOf(SettingsException.class)
                .satisfies(e -> {
                    for (String part : expected) assertThat(e.getMessage()).contains(part);
                });
    }

    @Test
    void shippedMonitorsLoadAndAreDisabledNamingTheVariableThatEnablesThem() {
        List<Monitor> ms = MonitorsFile.load(RouterHarness.REPO, MonitorsFile.DEFAULT_FILE, new Env(Map.of()));
        assertThat(ms)
                .extracting(Monitor::id)
                .containsExactly(
                        "frontend",
                        "tls-domain",
                        "supabase-rest",
                        "supabase-auth",
                        "supabase-functions",
                        "vapi-api",
                        "twilio-api",
                        "slack-api",
                        "postgres",
                        "p1-unprocessed",
                        "call-volume",
                        "conversion-rate",
                        "revenue-week-over-week",
                        "call-error-rate");
        assertThat(ms).noneMatch(Monitor::enabled);
        Map<String, String> reasons = new HashMap<>();
        ms.forEach(m -> reasons.put(m.id(), m.disabledReason()));
        assertThat(reasons)
                .containsEntry("frontend", "set FRONTEND_URL to enable")
                .containsEntry("tls-domain", "set FRONTEND_HOST to enable")
                .containsEntry("supabase-rest", "set SUPABASE_URL and SUPABASE_ANON_KEY to enable")
                .containsEntry("twilio-api", "set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to enable")
                .containsEntry("vapi-api", "set VAPI_API_KEY to enable")
                .containsEntry("p1-unprocessed", "set TARGET_DB_URL to enable");
    }

    @Test
    void shippedMonitorsTakeUrlsAndKeysFromTheEnvironment() {
        Map<String, String> env = Map.of(
                "FRONTEND_URL",
                "https://drains.example.com/",
                "FRONTEND_HOST",
                "drains.example.com",
                "SUPABASE_URL",
                "https://abc.supabase.co",
                "SUPABASE_ANON_KEY",
                "anon-key",
                "TWILIO_ACCOUNT_SID",
                "AC123",
                "TWILIO_AUTH_TOKEN",
                "tok",
                "VAPI_API_KEY",
                "vk",
                "SLACK_TOKEN",
                "xoxb",
                "TARGET_DB_URL",
                "jdbc:postgresql://db/calls");
        List<Monitor> ms = MonitorsFile.load(RouterHarness.REPO, MonitorsFile.DEFAULT_FILE, new Env(env));
        assertThat(ms).allMatch(Monitor::enabled);
        Map<String, Monitor> byId = new HashMap<>();
        ms.forEach(m -> byId.put(m.id(), m));
        assertThat(byId.get("supabase-rest").http().url().toString()).isEqualTo("https://abc.supabase.co/rest/v1/");
        assertThat(byId.get("supabase-rest").http().headers())
                .containsEntry("apikey", "anon-key")
                .containsEntry("Authorization", "Bearer anon-key");
        assertThat(byId.get("supabase-functions").http().url().toString())
                .isEqualTo("https://abc.supabase.co/functions/v1/health");
        assertThat(byId.get("twilio-api").http().url().toString())
                .isEqualTo("https://api.twilio.com/2010-04-01/Accounts/AC123.json");
        assertThat(byId.get("twilio-api").http().headers().get("Authorization")).isEqualTo("Basic QUMxMjM6dG9r");
        assertThat(byId.get("tls-domain").endpoint()).isEqualTo(new Monitor.Endpoint("drains.example.com", 443));
        assertThat(byId.get("p1-unprocessed").severity()).isEqualTo(Severity.P1);
        assertThat(byId.get("revenue-week-over-week").severity()).isEqualTo(Severity.P2);
        assertThat(byId.get("call-error-rate").severity()).isEqualTo(Severity.P2);
        assertThat(byId.get("call-volume").cron()).isEqualTo("0 */15 * * * ?");
        assertThat(byId.get("postgres").labels()).containsEntry("service", "database");
        assertThat(byId.get("frontend").failureThreshold()).isEqualTo(3);
        assertThat(byId.get("frontend").successThreshold()).isEqualTo(2);
        assertThat(byId.get("frontend").interval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(byId.get("frontend").retryInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void defaultsApplyAndExplicitlyDisabledMonitorsSaySo() {
        List<Monitor> ms = Monitors.parse("""
                defaults:
                  interval: 15s
                  timeout: 2s
                  failureThreshold: 5
                monitors:
                  - id: a
                    kind: tcp
                    host: 127.0.0.1
                    port: 5432
                  - id: b
                    kind: tcp
                    host: 127.0.0.1
                    port: 5432
                    enabled: false
                """);
        assertThat(ms.get(0).interval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(ms.get(0).timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(ms.get(0).failureThreshold()).isEqualTo(5);
        assertThat(ms.get(0).successThreshold()).isEqualTo(2);
        assertThat(ms.get(1).disabledReason()).isEqualTo("enabled: false in monitors.yaml");
    }

    @Test
    void retryIntervalComesFromTheDefaultsIsCutToAShorterIntervalAndCanBeSetPerMonitor() {
        List<Monitor> ms = Monitors.parse("""
                defaults:
                  retryInterval: 8s
                monitors:
                  - id: a
                    kind: tcp
                    host: 127.0.0.1
                    port: 5432
                    interval: 30s
                  - id: b
                    kind: tcp
                    host: 127.0.0.1
                    port: 5432
                    interval: 5s
                  - id: c
                    kind: tcp
                    host: 127.0.0.1
                    port: 5432
                    interval: 1m
                    retryInterval: 3s
                  - id: d
                    kind: tcp
                    host: 127.0.0.1
                    port: 5432
                    cron: "0 0 * * * ?"
                """);
        assertThat(ms)
                .extracting(Monitor::retryInterval)
                .containsExactly(
                        Duration.ofSeconds(8), Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofSeconds(8));
        assertThat(Monitors.one("""
                        - id: e
                          kind: tcp
                          host: 127.0.0.1
                          port: 5432
                        """).retryInterval()).as("built-in default").isEqualTo(Duration.ofSeconds(10));
    }
}
