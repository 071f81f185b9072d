package io.opsrouter.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.RouterHarness;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack's files agree with the router: the dashboard and the alert rules read only meters the router
 * exposes (MeterNames and a real scrape of a router), every rule carries severity, priority and a runbook
 * that exists, Alertmanager sends everything to the router with the bearer token, and .env.example lists
 * every variable. The real tools' own checks (promtool, amtool, docker-compose) are in scripts/check-stack.sh.
 */
class MonitoringConfigTest {
    private static RouterMeterCatalogue meters;

    @BeforeAll
    static void scrapeARouter(@TempDir Path home) {
        try (RouterHarness router = RouterHarness.shipped(home).start()) {
            var scrape = router.get("/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            meters = RouterMeterCatalogue.of(StackFiles.REPO, scrape.body());
        }
    }

    @Test
    void promQlNamesFindsTheMetricsAndNothingElse() {
        assertThat(
                        PromQlNames.of(
                                "sum by (channel, reason) (rate(a_total{x=\"y\",z=~\"$instance\"}[5m])) / on (instance) b > 0.1"))
                .containsExactly("a_total", "b");
        assertThat(PromQlNames.of("(time() - c{type=\"full\"}) > 26 * 3600 or absent(d) unless on() e offset 5m"))
                .containsExactly("c", "d", "e");
        assertThat(PromQlNames.ofGrafanaQuery("label_values(ops_router_build, instance)"))
                .containsExactly("ops_router_build");
        assertThat(meters.exposes("ops_router_notifications_sent_total")).isTrue();
        assertThat(meters.exposes("ops_router_notifications_sent"))
                .as("a counter without _total")
                .isFalse();
        assertThat(meters.exposes("ops_router_probe_duration_seconds_count")).isTrue();
        assertThat(meters.exposes("ops_router_no_such_meter")).isFalse();
    }

    @Test
    void dashboardReadsOnlyMetersTheRouterExposes() {
        List<String> unknown = new ArrayList<>();
        for (StackFiles.DashboardQuery q : StackFiles.dashboardQueries()) {
            Set<String> names = q.variable() ? PromQlNames.ofGrafanaQuery(q.expr()) : PromQlNames.of(q.expr());
            assertThat(names)
                    .as("panel '%s' reads no meter: %s", q.panel(), q.expr())
                    .isNotEmpty();
            names.stream().filter(n -> !meters.exposes(n)).forEach(n -> unknown.add("panel '" + q.panel() + "': " + n));
        }
        assertThat(unknown)
                .as("meters the router does not expose (see MeterNames)")
                .isEmpty();
    }

    @Test
    void dashboardShowsProbesAlertsNotificationsOutboxBackupsAndJvm() {
        Set<String> read = StackFiles.dashboardQueries().stream()
                .flatMap(q -> PromQlNames.of(q.expr()).stream())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(read)
                .contains(
                        "ops_router_probe_success",
                        "ops_router_probe_duration_seconds_count",
                        "ops_router_tls_cert_expiry_days",
                        "ops_router_alerts_firing",
                        "ops_router_notifications_sent_total",
                        "ops_router_notifications_failed_total",
                        "ops_router_outbox_depth",
                        "ops_router_outbox_oldest_age_seconds",
                        "ops_router_backup_last_success_timestamp_seconds",
                        "ops_router_backup_size_bytes",
                        "ops_router_backup_duration_seconds",
                        "jvm_memory_used_bytes");
        assertThat(StackFiles.dashboard().path("uid").asText()).isEqualTo("ops-router");
    }

    @Test
    void alertRulesReadOnlyExposedMetersAndCarrySeverityPriorityAndAnExistingRunbook() {
        String doc = StackFiles.read(StackFiles.OPERATIONS_DOC);
        Set<String> anchors = headingAnchors(doc);
        List<StackFiles.Rule> rules = StackFiles.alertRules();
        assertThat(rules)
                .extracting(StackFiles.Rule::alert)
                .contains(
                        "InstanceDown",
                        "ProbeErrorRateHigh",
                        "TlsCertificateExpiringSoon",
                        "BackupMissing",
                        "NotificationChannelFailing",
                        "OutboxAgeGrowing");
        assertThat(rules)
                .filteredOn(r -> r.alert().equals("Watchdog"))
                .singleElement()
                .satisfies(w -> assertThat(w.expr().trim()).isEqualTo("vector(1)"));
        for (StackFiles.Rule r : rules) {
            if (r.alert().equals("Watchdog")) continue; // the dead man's switch reads nothing: it always fires
            assertThat(PromQlNames.of(r.expr()))
                    .as("%s reads", r.alert())
                    .isNotEmpty()
                    .allSatisfy(n -> assertThat(meters.exposes(n))
                            .as("%s reads %s, which the router does not expose", r.alert(), n)
                            .isTrue());
            assertThat(r.labels().get("severity")).as("%s severity", r.alert()).isIn("critical", "warning", "info");
            assertThat(r.labels().get("priority")).as("%s priority", r.alert()).isIn("P1", "P2", "P3");
            assertThat(r.labels().get("priority"))
                    .as("%s: priority agrees with severity", r.alert())
                    .isEqualTo(Map.of("critical", "P1", "warning", "P2", "info", "P3")
                            .get(r.labels().get("severity")));
            String runbook = String.valueOf(r.annotations().get("runbook_url"));
            assertThat(runbook).as("%s runbook", r.alert()).startsWith("docs/operations.md#");
            assertThat(anchors)
                    .as("%s: docs/operations.md has the section %s", r.alert(), runbook)
                    .contains(runbook.substring(runbook.indexOf('#') + 1));
            assertThat(r.annotations()).as("%s annotations", r.alert()).containsKeys("summary", "description");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void alertmanagerSendsEveryAlertToTheRouterWebhookWithTheBearerTokenAndResolves() {
        Map<String, Object> am = StackFiles.yaml(StackFiles.ALERTMANAGER);
        Map<String, Object> route = (Map<String, Object>) am.get("route");
        // one sub-route only: the Watchdog (the dead man's switch) to the same receiver, repeated within minutes
        assertThat((List<Map<String, Object>>) route.get("routes"))
                .singleElement()
                .satisfies(w -> {
                    assertThat((List<Object>) w.get("matchers")).containsExactly("alertname=\"Watchdog\"");
                    assertThat(w.get("receiver")).isEqualTo(route.get("receiver"));
                    assertThat(String.valueOf(w.get("repeat_interval"))).isEqualTo("1m");
                });
        List<Map<String, Object>> receivers = (List<Map<String, Object>>) am.get("receivers");
        assertThat(receivers).hasSize(1);
        assertThat(receivers.get(0).get("name")).isEqualTo(route.get("receiver"));
        List<Map<String, Object>> hooks =
                (List<Map<String, Object>>) receivers.get(0).get("webhook_configs");
        assertThat(hooks).singleElement().satisfies(h -> {
            assertThat(String.valueOf(h.get("url"))).endsWith("/webhooks/alertmanager");
            assertThat(h.get("send_resolved")).isEqualTo(true);
            Map<String, Object> auth =
                    (Map<String, Object>) ((Map<String, Object>) h.get("http_config")).get("authorization");
            assertThat(auth).containsEntry("type", "Bearer").containsKey("credentials_file");
        });
        assertThat(StackFiles.read(StackFiles.COMPOSE))
                .contains(String.valueOf(((Map<String, Object>)
                                ((Map<String, Object>) hooks.get(0).get("http_config")).get("authorization"))
                        .get("credentials_file")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesTheRouterAndEvaluatesTheShippedRules() {
        Map<String, Object> prom = StackFiles.yaml(StackFiles.PROMETHEUS);
        assertThat((List<Object>) prom.get("rule_files")).containsExactly("alerts.yml");
        assertThat((List<Map<String, Object>>) prom.get("scrape_configs")).anySatisfy(job -> {
            assertThat(job.get("job_name")).isEqualTo("ops-router");
            assertThat(job.get("metrics_path")).isEqualTo("/metrics");
        });
    }

    @Test
    void envExampleListsEveryVariableTheComposeFileAndTheRouterRead() {
        Set<String> listed = new TreeSet<>();
        Matcher line =
                Pattern.compile("(?m)^#?\\s*([A-Z][A-Z0-9_]+)=").matcher(StackFiles.read(StackFiles.ENV_EXAMPLE));
        while (line.find()) listed.add(line.group(1));
        Set<String> needed = new TreeSet<>();
        Matcher ref = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]+)[:}-]").matcher(StackFiles.read(StackFiles.COMPOSE));
        while (ref.find()) needed.add(ref.group(1));
        needed.remove("ROUTER_ENV_FILE"); // the name of the .env file itself
        needed.addAll(List.of(
                "ROUTER_PUBLIC_URL",
                "ROUTER_API_TOKEN",
                "ROUTER_WEBHOOK_TOKEN",
                "ROUTER_WEBHOOK_SECRET",
                "ROUTER_LOG_FORMAT",
                "ROUTER_DATA_DIR",
                "ROUTER_DB_URL",
                "ROUTER_DB_USER",
                "ROUTER_DB_PASSWORD",
                "SLACK_WEBHOOK_URL",
                "SMTP_HOST",
                "SMTP_PORT",
                "SMTP_USERNAME",
                "SMTP_PASSWORD",
                "SMTP_FROM",
                "TWILIO_ACCOUNT_SID",
                "TWILIO_AUTH_TOKEN",
                "TWILIO_FROM_NUMBER",
                "TWILIO_API_URL",
                "WEBHOOK_URL",
                "WEBHOOK_SECRET",
                "ONCALL_PRIMARY_NAME",
                "ONCALL_PRIMARY_PHONE",
                "ONCALL_PRIMARY_EMAIL",
                "ONCALL_SECONDARY_NAME",
                "ONCALL_SECONDARY_PHONE",
                "ONCALL_SECONDARY_EMAIL",
                "ESCALATION_P1_DELAY",
                "ESCALATION_P2_DELAY",
                "TARGET_DB_URL",
                "TARGET_DB_USER",
                "TARGET_DB_PASSWORD",
                "FRONTEND_URL",
                "FRONTEND_HOST",
                "SUPABASE_URL",
                "SUPABASE_ANON_KEY",
                "VAPI_API_KEY"));
        assertThat(listed).containsAll(needed);
    }

    /** GitHub's anchors for the headings of a Markdown file. */
    static Set<String> headingAnchors(String markdown) {
        Set<String> anchors = new TreeSet<>();
        Matcher h = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$").matcher(markdown);
        while (h.find()) {
            anchors.add(h.group(1)
                    .toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "")
                    .replace(' ', '-'));
        }
        return anchors;
    }
}
