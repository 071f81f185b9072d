package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.testing.RouterHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Editing config/alert-rules.yaml or config/escalation.yaml on a running router: a good version applies, a bad one is refused. */
class AlertConfigReloadTest {
    static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path home;

    static Signal backupFailed(String type) {
        return new Signal(
                "backup",
                "backup-failed",
                Map.of("alertname", "backup-failed", "service", "backup", "backup_type", type),
                Map.of(),
                Map.of(),
                Signal.State.FIRING,
                null,
                java.time.Instant.now(),
                null);
    }

    static String summaryOf(RouterHarness r, String type) {
        return AlertWiringTest.engine(r).list("firing", null, Map.of("backup_type", type), 1).stream()
                .map(a -> (String) a.get("summary"))
                .findFirst()
                .orElse(null);
    }

    @Test
    void aChangedRuleAppliesToTheNextSignalAndABrokenFileKeepsTheRulesInForce() throws Exception {
        try (RouterHarness r = RouterHarness.shipped(home)
                .setting(AlertModule.RELOAD_INTERVAL, "50ms")
                .start()) {
            Path rules = r.home().resolve(AlertRules.FILE);
            String shipped = Files.readString(rules);
            r.app().camel().createProducerTemplate().sendBody(Signal.ENDPOINT, backupFailed("daily"));
            assertThat(summaryOf(r, "daily")).isEqualTo("backup-failed: daily backup");

            Files.writeString(
                    rules,
                    shipped.replace(
                            "summary: \"{{alertname}}: {{backup_type}} backup\"",
                            "summary: \"The {{backup_type}} backup failed\""));
            await().atMost(WAIT)
                    .until(() -> r.get("/metrics")
                            .body()
                            .contains("ops_router_config_reloads_total{config=\"alerts\",outcome=\"applied\"} 1.0"));
            r.app().camel().createProducerTemplate().sendBody(Signal.ENDPOINT, backupFailed("weekly"));
            assertThat(summaryOf(r, "weekly")).isEqualTo("The weekly backup failed");

            Files.writeString(
                    rules,
                    shipped.replace(
                            "severity: P1\n    summary: \"{{alertname}}",
                            "severity: P7\n    summary: \"{{alertname}}"));
            await().atMost(WAIT)
                    .until(() -> r.get("/metrics")
                            .body()
                            .contains("ops_router_config_reloads_total{config=\"alerts\",outcome=\"refused\"} 1.0"));
            assertThat(r.get("/health").body())
                    .contains("last reload refused")
                    .contains(AlertRules.FILE)
                    .contains("P7");
            r.app().camel().createProducerTemplate().sendBody(Signal.ENDPOINT, backupFailed("monthly"));
            assertThat(summaryOf(r, "monthly")).isEqualTo("The monthly backup failed");
            assertThat(AlertWiringTest.engine(r).list("firing", Severity.P1, Map.of("backup_type", "monthly"), 1))
                    .hasSize(1);

            Files.writeString(rules, shipped);
            await().atMost(WAIT)
                    .until(() -> r.get("/metrics")
                            .body()
                            .contains("ops_router_config_reloads_total{config=\"alerts\",outcome=\"applied\"} 2.0"));
            assertThat(r.get("/health").body()).doesNotContain("last reload refused");
        }
    }

    @Test
    void aPolicyNamingAnUnknownPersonIsRefusedOnReload() throws Exception {
        try (RouterHarness r = RouterHarness.shipped(home)
                .setting(AlertModule.RELOAD_INTERVAL, "50ms")
                .start()) {
            Path policies = r.home().resolve(EscalationPolicies.FILE);
            Files.writeString(
                    policies, Files.readString(policies).replaceFirst("to: primary", "to: nobody-of-that-name"));
            await().atMost(WAIT)
                    .until(() -> r.get("/metrics")
                            .body()
                            .contains("ops_router_config_reloads_total{config=\"alerts\",outcome=\"refused\"} 1.0"));
            assertThat(r.get("/health").body())
                    .contains(EscalationPolicies.FILE)
                    .contains("nobody-of-that-name");
        }
    }

    @Test
    void aNegativeReloadIntervalStopsStartUp() {
        RouterHarness r = RouterHarness.shipped(home).setting(AlertModule.RELOAD_INTERVAL, "-5s");
        org.assertj.core.api.Assertions.assertThatThrownBy(r::start).hasMessageContaining(AlertModule.RELOAD_INTERVAL);
    }
}
