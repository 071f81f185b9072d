package io.opsrouter.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.opsrouter.app.Json;
import io.opsrouter.testing.RouterHarness;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The stack end to end on loopback with the real binaries: the router from the built jar, the Debian
 * {@code prometheus} scraping it and evaluating the shipped rules plus a canary rule the test makes fire, the
 * Debian Alertmanager with the shipped {@code alertmanager.yml} (timings shortened, addresses made local)
 * delivering to the router's {@code /webhooks/alertmanager} with the bearer token, and the router escalating to
 * stand-in Slack and Twilio servers and to GreenMail. Run by {@code scripts/check-stack.sh}.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackEndToEndTest {
    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final Duration DELIVERY = Duration.ofSeconds(90);
    private static final String WEBHOOK_TOKEN = "e2e-" + UUID.randomUUID();
    private static final String TWILIO_SID = "AC0e2e000000000000" + "0000000000000000";
    private static final String PRIMARY_PHONE = "+15145550101";
    private static final String PRIMARY_EMAIL = "primary@example.com";
    private static final String TOOLING = "E2ECanaryTooling";
    private static final String ESCALATION = "E2ECanaryEscalation";
    private static final String API_TOKEN = "e2e-api-" + UUID.randomUUID();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ManagedProcess> processes = new ArrayList<>();
    private Path work;
    private StandInServer standIns;
    private GreenMail mail;
    private ManagedProcess router;
    private ManagedProcess prometheusProcess;
    private int routerPort;
    private int prometheusPort;
    private int alertmanagerPort;

    @BeforeAll
    void startTheStack() throws IOException {
        Path jar = StackFiles.REPO.resolve("target/ops-router.jar");
        assertThat(jar)
                .as("the built jar: run `mvn -B package -DskipTests` first (scripts/check-stack.sh does)")
                .isRegularFile();
        String prometheusBin = binary("PROMETHEUS_BIN", "prometheus");
        String alertmanagerBin = binary("ALERTMANAGER_BIN", "alertmanager", "prometheus-alertmanager");
        Files.createDirectories(StackFiles.REPO.resolve("target/e2e"));
        work = Files.createTempDirectory(StackFiles.REPO.resolve("target/e2e"), "stack-");

        standIns = new StandInServer();
        standIns.gauge("e2e_fault{case=\"tooling\"}", 0);
        standIns.gauge("e2e_fault{case=\"escalation\"}", 0);
        mail = new GreenMail(new ServerSetup(RouterHarness.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.setUser("ops-router@example.com", "ops-router", "smtp-secret");
        mail.start();

        startRouter(jar);
        startAlertmanager(alertmanagerBin);
        startPrometheus(prometheusBin);
    }

    @AfterAll
    void stopTheStack() {
        for (int i = processes.size() - 1; i >= 0; i--) processes.get(i).close();
        if (mail != null) mail.stop();
        if (standIns != null) standIns.close();
        if (work != null && !Boolean.getBoolean("e2e.keep")) deleteTree(work);
    }

    @Test
    @Order(1)
    void prometheusScrapesTheBuiltRouterAndEvaluatesTheShippedRules() {
        within(STARTUP, "Prometheus reports the router's target up", () -> {
            JsonNode targets =
                    getJson(prometheus("/api/v1/targets")).path("data").path("activeTargets");
            assertThat(targets).anySatisfy(t -> {
                assertThat(t.path("labels").path("job").asText()).isEqualTo("ops-router");
                assertThat(t.path("scrapeUrl").asText()).isEqualTo("http://127.0.0.1:" + routerPort + "/metrics");
                assertThat(t.path("health").asText()).isEqualTo("up");
            });
        });
        int shipped = StackFiles.alertRules().size();
        within(STARTUP, "every shipped rule evaluates without error", () -> {
            List<JsonNode> rules = new ArrayList<>();
            for (JsonNode g : getJson(prometheus("/api/v1/rules")).path("data").path("groups")) {
                if (g.path("file").asText().endsWith("alerts.yml"))
                    g.path("rules").forEach(rules::add);
            }
            assertThat(rules)
                    .hasSize(shipped)
                    .allSatisfy(r -> assertThat(r.path("health").asText())
                            .as(
                                    "rule %s: %s",
                                    r.path("name").asText(), r.path("lastError").asText())
                            .isEqualTo("ok"));
        });
        within(
                STARTUP,
                "Prometheus has sent its alerts to the Alertmanager",
                () -> assertThat(getJson(prometheus("/api/v1/alertmanagers"))
                                .path("data")
                                .path("activeAlertmanagers"))
                        .anySatisfy(a -> assertThat(a.path("url").asText()).contains("127.0.0.1:" + alertmanagerPort)));
    }

    @Test
    @Order(2)
    void dashboardQueriesRunInPrometheusAndReadOnlyMetersTheBuiltRouterExposes() {
        HttpResponse<String> scrape = get("http://127.0.0.1:" + routerPort + "/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        RouterMeterCatalogue meters = RouterMeterCatalogue.of(StackFiles.REPO, scrape.body());
        for (StackFiles.DashboardQuery q : StackFiles.dashboardQueries()) {
            var names = q.variable() ? PromQlNames.ofGrafanaQuery(q.expr()) : PromQlNames.of(q.expr());
            assertThat(names)
                    .as("panel '%s'", q.panel())
                    .isNotEmpty()
                    .allSatisfy(n -> assertThat(meters.exposes(n))
                            .as("panel '%s' reads %s", q.panel(), n)
                            .isTrue());
            String promQl = q.variable() ? String.join(" or ", names) : StackFiles.asPromQl(q.expr());
            JsonNode answer =
                    getJson(prometheus("/api/v1/query?query=" + URLEncoder.encode(promQl, StandardCharsets.UTF_8)));
            assertThat(answer.path("status").asText())
                    .as(
                            "Prometheus runs panel '%s': %s %s",
                            q.panel(), promQl, answer.path("error").asText())
                    .isEqualTo("success");
        }
    }

    @Test
    @Order(3)
    void aFiringRuleReachesTheWebhookThroughAlertmanagerWithTheBearerTokenAndSoDoesItsResolve() {
        standIns.gauge("e2e_fault{case=\"tooling\"}", 1);
        within(
                DELIVERY,
                "Prometheus fires " + TOOLING,
                () -> assertThat(getJson(prometheus("/api/v1/alerts"))
                                .path("data")
                                .path("alerts"))
                        .anySatisfy(a -> {
                            assertThat(a.path("labels").path("alertname").asText())
                                    .isEqualTo(TOOLING);
                            assertThat(a.path("state").asText()).isEqualTo("firing");
                        }));
        within(
                DELIVERY,
                "Alertmanager holds " + TOOLING,
                () -> assertThat(getJson(alertmanager("/api/v2/alerts?filter="
                                + URLEncoder.encode("alertname=\"" + TOOLING + "\"", StandardCharsets.UTF_8))))
                        .isNotEmpty());
        within(
                DELIVERY,
                "Alertmanager posts the firing alert with the bearer token",
                () -> assertThat(webhookAlerts(TOOLING, "firing")).anySatisfy(a -> {
                    assertThat(a.path("labels").path("priority").asText()).isEqualTo("P1");
                    assertThat(a.path("labels").path("severity").asText()).isEqualTo("critical");
                    assertThat(a.path("fingerprint").asText()).hasSize(16);
                }));

        standIns.gauge("e2e_fault{case=\"tooling\"}", 0);
        within(
                DELIVERY,
                "Alertmanager posts the resolve",
                () -> assertThat(webhookAlerts(TOOLING, "resolved"))
                        .anySatisfy(a -> assertThat(a.path("endsAt").asText()).doesNotStartWith("0001-")));
    }

    /** The router takes Alertmanager's webhook and escalates the P1 to Slack, Twilio SMS and e-mail, then the resolve. */
    @Test
    @Order(4)
    void theRouterEscalatesTheAlertToSlackSmsAndEmailAndAnnouncesTheResolve() {
        standIns.gauge("e2e_fault{case=\"escalation\"}", 1);
        within(
                DELIVERY,
                "Alertmanager posts " + ESCALATION + " to the router too",
                () -> assertThat(webhookAlerts(ESCALATION, "firing")).isNotEmpty());
        within(DELIVERY, "Slack, Twilio and e-mail each carry " + ESCALATION, () -> {
            assertThat(slackMessages()).anyMatch(m -> m.contains(ESCALATION));
            assertThat(smsTo(PRIMARY_PHONE)).anyMatch(m -> m.contains(ESCALATION));
            assertThat(mailsTo(PRIMARY_EMAIL)).anyMatch(m -> m.contains(ESCALATION));
        });

        standIns.gauge("e2e_fault{case=\"escalation\"}", 0);
        within(DELIVERY, "Slack, Twilio and e-mail each announce the resolve", () -> {
            assertThat(slackMessages()).anyMatch(m -> m.contains(ESCALATION) && resolvedText(m));
            assertThat(smsTo(PRIMARY_PHONE)).anyMatch(m -> m.contains(ESCALATION) && resolvedText(m));
            assertThat(mailsTo(PRIMARY_EMAIL)).anyMatch(m -> m.contains(ESCALATION) && resolvedText(m));
        });
    }

    /**
     * The dead man's switch: the shipped Watchdog reaches the router through Alertmanager and pages nobody; when
     * Prometheus stops, the Watchdog stops arriving and the router pages "the alerting pipeline is broken", naming
     * the sender (its external label stack). Last: it stops Prometheus.
     */
    @Test
    @Order(5)
    void whenPrometheusStopsTheDeadMansSwitchPagesThatTheAlertingPipelineIsBroken() {
        within(DELIVERY, "the router sees the Watchdog of stack=ops-router", () -> {
            HttpResponse<String> api =
                    send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + routerPort + "/api/heartbeats"))
                            .header("Authorization", "Bearer " + API_TOKEN)
                            .GET());
            assertThat(readJson(api.body()).path("watchdog").path("senders").toString())
                    .contains("stack=ops-router");
        });
        assertThat(slackMessages()).noneMatch(m -> m.contains("The alerting pipeline works"));

        processes.remove(prometheusProcess);
        prometheusProcess.close();
        within(DELIVERY, "Slack and SMS carry the P1: the alerting pipeline is broken, naming stack=ops-router", () -> {
            assertThat(slackMessages())
                    .anyMatch(
                            m -> m.contains("The alerting pipeline is broken") && m.contains("ops-router went quiet"));
            assertThat(smsTo(PRIMARY_PHONE)).anyMatch(m -> m.contains("alerting pipeline is broken"));
        });
        assertThat(slackMessages()).noneMatch(m -> m.contains("The alerting pipeline works"));
    }

    // --- the stack ---------------------------------------------------------------------------------------------

    private void startRouter(Path jar) throws IOException {
        Path home = Files.createDirectories(work.resolve("router"));
        copyTree(StackFiles.REPO.resolve("routes"), home.resolve("routes"));
        copyTree(StackFiles.REPO.resolve("config"), home.resolve("config"));
        routerPort = RouterHarness.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("ROUTER_HTTP_PORT", Integer.toString(routerPort));
        env.put("ROUTER_DATA_DIR", home.resolve("data").toString());
        env.put("ROUTER_PUBLIC_URL", "http://127.0.0.1:" + routerPort);
        env.put("ROUTER_WEBHOOK_TOKEN", WEBHOOK_TOKEN);
        env.put("ROUTER_API_TOKEN", API_TOKEN);
        // the dead man's switch with short times: Alertmanager repeats the Watchdog every second below
        env.put("ROUTER_WATCHDOG_PERIOD", "3s");
        env.put("ROUTER_WATCHDOG_GRACE", "5s");
        env.put("ROUTER_WATCHDOG_SENDER_LABELS", "stack");
        env.put("ROUTER_HEARTBEATS_CHECK_INTERVAL", "1s");
        env.put("SLACK_WEBHOOK_URL", standIns.url("/slack/services/T000/B000/e2e"));
        env.put("TWILIO_ACCOUNT_SID", TWILIO_SID);
        env.put("TWILIO_AUTH_TOKEN", "e2e-twilio-token");
        env.put("TWILIO_FROM_NUMBER", "+15005550006");
        env.put("TWILIO_API_URL", standIns.url("/twilio"));
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", Integer.toString(mail.getSmtp().getPort()));
        env.put("SMTP_USERNAME", "ops-router");
        env.put("SMTP_PASSWORD", "smtp-secret");
        env.put("SMTP_FROM", "ops-router@example.com");
        env.put("SMTP_STARTTLS", "false"); // GreenMail speaks plain SMTP
        env.put("ONCALL_PRIMARY_NAME", "Primary E2E");
        env.put("ONCALL_PRIMARY_PHONE", PRIMARY_PHONE);
        env.put("ONCALL_PRIMARY_EMAIL", PRIMARY_EMAIL);
        env.put("ONCALL_SECONDARY_NAME", "Secondary E2E");
        env.put("ONCALL_SECONDARY_PHONE", "+15145550102");
        env.put("ONCALL_SECONDARY_EMAIL", "secondary@example.com");
        env.put("ESCALATION_P1_DELAY", "1h");
        env.put("ESCALATION_P2_DELAY", "1h");
        env.remove("ROUTER_DB_URL");
        String java = ProcessHandle.current().info().command().orElse("java");
        router = launch("router", List.of(java, "-Xmx256m", "-jar", jar.toString(), "run"), home, env);
        within(
                STARTUP,
                "the router answers /health",
                () -> assertThat(get("http://127.0.0.1:" + routerPort + "/health")
                                .statusCode())
                        .isEqualTo(200));
    }

    @SuppressWarnings("unchecked")
    private void startAlertmanager(String bin) throws IOException {
        Path tokenFile = work.resolve("webhook-token");
        Files.writeString(tokenFile, WEBHOOK_TOKEN);
        Map<String, Object> config = StackFiles.yaml(StackFiles.ALERTMANAGER);
        Map<String, Object> route = (Map<String, Object>) config.get("route");
        route.put("group_wait", "1s");
        route.put("group_interval", "1s");
        for (Map<String, Object> sub : (List<Map<String, Object>>) route.getOrDefault("routes", List.of())) {
            sub.put("group_wait", "1s");
            sub.put("group_interval", "1s");
            sub.put("repeat_interval", "1s");
        }
        Map<String, Object> receiver = ((List<Map<String, Object>>) config.get("receivers")).get(0);
        List<Map<String, Object>> hooks = (List<Map<String, Object>>) receiver.get("webhook_configs");
        Map<String, Object> toRouter = hooks.get(0);
        String shippedUrl = String.valueOf(toRouter.get("url"));
        assertThat(shippedUrl)
                .as("the shipped webhook URL (docker-compose's router service)")
                .startsWith("http://router:8080/");
        toRouter.put("url", shippedUrl.replace("http://router:8080", "http://127.0.0.1:" + routerPort));
        ((Map<String, Object>) ((Map<String, Object>) toRouter.get("http_config")).get("authorization"))
                .put("credentials_file", tokenFile.toString());
        // a second copy of the router's webhook to a recorder, so the test sees exactly what the router is sent
        Map<String, Object> toRecorder = Json.MAPPER.convertValue(toRouter, Map.class);
        toRecorder.put("url", standIns.url("/alertmanager/webhook"));
        hooks.add(toRecorder);
        Path file = work.resolve("alertmanager.yml");
        Files.writeString(file, Json.write(config));
        alertmanagerPort = RouterHarness.freePort();
        launch(
                "alertmanager",
                List.of(
                        bin,
                        "--config.file=" + file,
                        "--storage.path=" + work.resolve("alertmanager-data"),
                        "--web.listen-address=127.0.0.1:" + alertmanagerPort,
                        "--cluster.listen-address="),
                work,
                Map.of());
        within(
                STARTUP,
                "Alertmanager is ready",
                () -> assertThat(get(alertmanager("/-/ready")).statusCode()).isEqualTo(200));
    }

    @SuppressWarnings("unchecked")
    private void startPrometheus(String bin) throws IOException {
        Path dir = Files.createDirectories(work.resolve("prometheus"));
        Files.copy(StackFiles.ALERT_RULES, dir.resolve("alerts.yml"));
        Files.writeString(dir.resolve("e2e-rules.yml"), canaryRules());
        prometheusPort = RouterHarness.freePort();
        Map<String, Object> config = StackFiles.yaml(StackFiles.PROMETHEUS);
        Map<String, Object> global = (Map<String, Object>) config.get("global");
        global.put("scrape_interval", "1s");
        global.put("evaluation_interval", "1s");
        ((List<Object>) config.get("rule_files")).add("e2e-rules.yml");
        Map<String, String> local = Map.of(
                "router:8080",
                "127.0.0.1:" + routerPort,
                "alertmanager:9093",
                "127.0.0.1:" + alertmanagerPort,
                "localhost:9090",
                "127.0.0.1:" + prometheusPort);
        String text = Json.write(config);
        for (var e : local.entrySet()) text = text.replace("\"" + e.getKey() + "\"", "\"" + e.getValue() + "\"");
        Map<String, Object> localConfig = Json.MAPPER.readValue(text, Map.class);
        ((List<Object>) localConfig.get("scrape_configs"))
                .add(Map.of(
                        "job_name",
                        "e2e-exporter",
                        "metrics_path",
                        "/exporter/metrics",
                        "static_configs",
                        List.of(Map.of("targets", List.of("127.0.0.1:" + standIns.port())))));
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, Json.write(localConfig));
        prometheusProcess = launch(
                "prometheus",
                List.of(
                        bin,
                        "--config.file=" + file,
                        "--storage.tsdb.path=" + work.resolve("prometheus-data"),
                        "--web.listen-address=127.0.0.1:" + prometheusPort,
                        "--rules.alert.resend-delay=1s"),
                dir,
                Map.of());
        within(
                STARTUP,
                "Prometheus is ready",
                () -> assertThat(get(prometheus("/-/ready")).statusCode()).isEqualTo(200));
    }

    /** Fires while the test sets e2e_fault for its case and the router exposes its build meter. */
    private static String canaryRules() {
        StringBuilder y = new StringBuilder("groups:\n  - name: e2e\n    interval: 1s\n    rules:\n");
        for (String[] c : new String[][] {{TOOLING, "tooling"}, {ESCALATION, "escalation"}}) {
            y.append("      - alert: ")
                    .append(c[0])
                    .append('\n')
                    .append("        expr: (e2e_fault{case=\"")
                    .append(c[1])
                    .append("\"} == 1) and on() ops_router_build{job=\"ops-router\"}\n")
                    .append("        for: 1s\n")
                    .append("        labels: {severity: critical, priority: P1, service: e2e}\n")
                    .append("        annotations: {summary: \"")
                    .append(c[0])
                    .append(" fired\", description: \"end-to-end canary\", ")
                    .append("runbook_url: \"docs/operations.md#instance-down\"}\n");
        }
        return y.toString();
    }

    private ManagedProcess launch(String name, List<String> command, Path dir, Map<String, String> env) {
        ManagedProcess p = ManagedProcess.start(name, command, dir, env);
        processes.add(p);
        return p;
    }

    // --- what arrived where ------------------------------------------------------------------------------------

    /** Alerts of that name and status in what Alertmanager posted to the recorder with the right bearer token. */
    private List<JsonNode> webhookAlerts(String alertname, String status) {
        List<JsonNode> out = new ArrayList<>();
        for (StandInServer.Request r : standIns.received(r -> r.path().equals("/alertmanager/webhook"))) {
            assertThat(r.header("Authorization")).isEqualTo("Bearer " + WEBHOOK_TOKEN);
            JsonNode payload = readJson(r.body());
            assertThat(payload.path("version").asText()).isEqualTo("4");
            for (JsonNode a : payload.path("alerts")) {
                if (a.path("labels").path("alertname").asText().equals(alertname)
                        && a.path("status").asText().equals(status)) out.add(a);
            }
        }
        return out;
    }

    private List<String> slackMessages() {
        return standIns
                .received(r -> r.path().startsWith("/slack/") && r.method().equals("POST"))
                .stream()
                .map(StandInServer.Request::body)
                .toList();
    }

    private List<String> smsTo(String phone) {
        String messages = "/twilio/2010-04-01/Accounts/" + TWILIO_SID + "/Messages.json";
        return standIns.received(r -> r.path().equals(messages) && r.method().equals("POST")).stream()
                .map(r -> form(r.body()))
                .filter(f -> phone.equals(f.get("To")))
                .map(f -> f.getOrDefault("Body", ""))
                .toList();
    }

    private List<String> mailsTo(String address) {
        List<String> out = new ArrayList<>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            try {
                Address[] to = Optional.ofNullable(m.getAllRecipients()).orElse(new Address[0]);
                if (Arrays.stream(to).anyMatch(a -> a.toString().contains(address))) {
                    out.add(m.getSubject() + "\n" + GreenMailUtil.getBody(m));
                }
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private static boolean resolvedText(String message) {
        return message.toLowerCase(Locale.ROOT).contains("resolved");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> f = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0)
                f.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return f;
    }

    // --- plumbing ----------------------------------------------------------------------------------------------

    /** Waits for the condition; on time-out fails with the last lines of every process' output. */
    private void within(Duration limit, String what, ThrowingRunnable assertion) {
        try {
            await(what)
                    .atMost(limit)
                    .pollInterval(Duration.ofMillis(250))
                    .failFast(
                            "a process of the stack exited",
                            () -> processes.stream().anyMatch(p -> !p.alive()))
                    .ignoreExceptions()
                    .untilAsserted(assertion::run);
        } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            StringBuilder logs = new StringBuilder();
            for (ManagedProcess p : processes) logs.append("\n--- ").append(p.tail());
            throw new AssertionError(what + ": " + e.getMessage() + logs, e);
        }
    }

    private String prometheus(String path) {
        return "http://127.0.0.1:" + prometheusPort + path;
    }

    private String alertmanager(String path) {
        return "http://127.0.0.1:" + alertmanagerPort + path;
    }

    private HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        return io.opsrouter.testing.RouterHarness.send(http, request);
    }

    private JsonNode getJson(String url) {
        return readJson(get(url).body());
    }

    private static JsonNode readJson(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The binary named by the environment variable, else the first of the names found on the PATH. */
    private static String binary(String envName, String... names) {
        String named = System.getenv(envName);
        if (named != null && !named.isBlank()) return named;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String n : names) {
                Path p = Path.of(dir, n);
                if (Files.isExecutable(p)) return p.toString();
            }
        }
        throw new AssertionError(
                "none of " + List.of(names) + " is on the PATH: run scripts/check-stack.sh, which installs "
                        + "prometheus and prometheus-alertmanager from Debian, or set " + envName);
    }

    /** The work folder goes once the binaries are stopped; -De2e.keep=true keeps it (configs, logs, data). */
    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) return;
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
