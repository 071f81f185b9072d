package io.opsrouter.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.alert.AlertRules;
import io.opsrouter.config.Env;
import io.opsrouter.probe.Monitor;
import io.opsrouter.probe.MonitorsFile;
import io.opsrouter.testing.RouterHarness;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PageBudgetTest {
    private static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
    private static final Env NO_ENV = new Env(Map.of());

    private static List<Monitor> shippedMonitors() {
        return MonitorsFile.load(RouterHarness.REPO, MonitorsFile.DEFAULT_FILE, NO_ENV);
    }

    private static AlertRules shippedRules() {
        return AlertRules.load(RouterHarness.REPO.resolve(AlertRules.FILE), NO_ENV);
    }

    private static List<Monitor> monitors(String yaml) {
        return MonitorsFile.parse("monitors.yaml", new StringReader(yaml), NO_ENV);
    }

    private static AlertRules rules(String yaml) {
        return AlertRules.parse(yaml, NO_ENV);
    }

    private static Map<String, Duration> budgets(List<PageBudget.Line> lines) {
        java.util.Map<String, Duration> out = new java.util.LinkedHashMap<>();
        for (PageBudget.Line l : lines) out.put(l.monitor() + " " + l.rule(), l.budget());
        return out;
    }

    @Test
    void theShippedFilesKeepEveryP1WithinItsPromise() {
        List<PageBudget.Line> lines =
                PageBudget.of(shippedMonitors(), shippedRules(), PageBudgetSettings.DEFAULTS, NOW);
        assertThat(budgets(lines))
                .containsExactly(
                        // 15s interval + for 2m + 5s sweep + P1 group wait 0s + 10s channel
                        Map.entry("frontend site-unreachable", Duration.ofSeconds(150)),
                        Map.entry("tls-domain tls-expires-within-7-days", Duration.ofSeconds(3600 + 10 + 10)),
                        Map.entry("supabase-rest site-unreachable", Duration.ofSeconds(165)),
                        Map.entry("supabase-auth site-unreachable", Duration.ofSeconds(165)),
                        Map.entry("supabase-functions site-unreachable", Duration.ofSeconds(165)),
                        Map.entry("postgres database-unreachable", Duration.ofSeconds(165)),
                        // a call unprocessed for its minute: next run within 3s, query within 2s, sent at once
                        Map.entry("p1-unprocessed p1-calls-unprocessed", Duration.ofSeconds(15)));
        assertThat(lines).noneMatch(PageBudget.Line::overPromise);
        // the promise: an emergency call unprocessed for its minute reaches the phone 15 s after it at worst
        PageBudget.Line calls = lines.stream()
                .filter(l -> l.monitor().equals("p1-unprocessed"))
                .findFirst()
                .orElseThrow();
        assertThat(calls.promise()).isEqualTo(Duration.ofSeconds(15));
        assertThat(calls.budget()).isLessThanOrEqualTo(Duration.ofSeconds(15));
        assertThat(lines.get(0).info())
                .isEqualTo("page budget: monitor frontend (disabled) -> rule site-unreachable (P1): 2m30s at worst"
                        + " from the failure to the phone = interval 15s + for 2m + sweep 5s + P1 group wait 0s"
                        + " + channel 10s; promise 3m (for 2m + router.page-budget.slack 1m)");
        assertThat(PageBudgetModule.warnings(shippedMonitors(), shippedRules(), PageBudgetSettings.DEFAULTS, NOW))
                .isEmpty();
    }

    @Test
    void aThresholdConfirmedLaterThanTheRulesForCountsWithItsRetryInterval() {
        AlertRules r = rules("""
                grouping: {severity: {P1: {groupWait: 0s, groupInterval: 0s}}}
                rules:
                  - name: down
                    match: {monitor: web}
                    for: 30s
                    severity: P1
                """);
        String web = """
                monitors:
                  - id: web
                    kind: tcp
                    host: 127.0.0.1
                    port: 1
                    interval: 1m
                    timeout: 5s
                    failureThreshold: 4
                    retryInterval: %s
                """;
        // 1m + (5s + 3 x (10s + 5s)) + 10s channel: the confirmation, not the for, decides
        assertThat(PageBudget.of(monitors(web.formatted("10s")), r, PageBudgetSettings.DEFAULTS, NOW)
                        .get(0)
                        .budget())
                .isEqualTo(Duration.ofSeconds(60 + 50 + 10));
        // re-checked at the interval (retryInterval = interval), the same threshold takes minutes
        PageBudget.Line slow = PageBudget.of(monitors(web.formatted("1m")), r, PageBudgetSettings.DEFAULTS, NOW)
                .get(0);
        assertThat(slow.budget()).isEqualTo(Duration.ofSeconds(60 + 5 + 3 * 65 + 10));
        assertThat(slow.overPromise()).isTrue();
        assertThat(slow.warning())
                .isEqualTo("config/monitors.yaml: monitor web -> config/alert-rules.yaml rule down: a P1 may reach"
                        + " the phone 4m30s after the failure, later than its promise of 1m30s (for 30s +"
                        + " router.page-budget.slack 1m) (fix: shorten the monitor's interval or retryInterval, the P1"
                        + " groupWait, or give the rule pageWithin)");
    }

    @Test
    void theP1GroupWaitOfItsSeverityIsAddedWithASweep() {
        List<Monitor> m = monitors("""
                monitors:
                  - id: web
                    kind: tcp
                    host: 127.0.0.1
                    port: 1
                    interval: 10s
                    timeout: 2s
                    failureThreshold: 1
                """);
        String rules = """
                grouping:
                  groupWait: 30s
                  %s
                rules:
                  - name: down
                    match: {monitor: web}
                    severity: P1
                """;
        // P1 held by the default 30s group wait, noticed by the next sweep
        assertThat(PageBudget.of(m, rules(rules.formatted("")), PageBudgetSettings.DEFAULTS, NOW)
                        .get(0)
                        .budget())
                .isEqualTo(Duration.ofSeconds(10 + 2 + 30 + 5 + 10));
        // P1 not grouped: sent in the intake's transaction
        assertThat(PageBudget.of(
                                m,
                                rules(rules.formatted("severity: {P1: {groupWait: 0s}, P3: {groupWait: 1m}}")),
                                PageBudgetSettings.DEFAULTS,
                                NOW)
                        .get(0)
                        .budget())
                .isEqualTo(Duration.ofSeconds(10 + 2 + 10));
    }

    @Test
    void onlyRulesThatCanMakeTheMonitorAP1CountFirstMatchWins() {
        List<Monitor> m = monitors("""
                monitors:
                  - id: api
                    kind: http
                    url: https://example.com/
                    labels: {service: api}
                  - id: calls
                    kind: sql
                    query: SELECT 1 AS one
                    cron: "0 */15 * * * ?"
                    failureThreshold: 1
                    severity: P1
                """);
        AlertRules r = rules("""
                rules:
                  - name: api-slow
                    match: {monitor: api}
                    values: {latency_seconds: "> 2"}
                    severity: P1
                  - name: api-down
                    match: {monitor: api}
                    severity: P2
                  - name: never-reached
                    match: {service: api}
                    severity: P1
                """);
        List<PageBudget.Line> lines = PageBudget.of(m, r, PageBudgetSettings.DEFAULTS, NOW);
        // api-down takes every signal api-slow leaves; the sql monitor's own P1 needs no rule; cron: 15m apart;
        // no grouping section: the built-in 30s group wait and a sweep
        assertThat(budgets(lines))
                .containsExactly(
                        Map.entry("api api-slow", Duration.ofSeconds(60 + 10 + 2 * 20 + 35 + 10)),
                        Map.entry("calls null", Duration.ofSeconds(15 * 60 + 10 + 35 + 10)));
    }
}
