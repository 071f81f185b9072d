package io.opsrouter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opsrouter.testing.JarProcess;
import io.opsrouter.testing.RouterHarness;
import io.opsrouter.testing.TestPostgres;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three routers from the built jar on one PostgreSQL database, as a highly available deployment runs them: every
 * alert posted to all three is stored once, each probe target is polled once per interval (not three times),
 * one router is killed (SIGKILL) while messages go out and the sweep's leader while escalations are due, and still
 * every message arrives, duplicates only for sends in flight at a kill, and escalation resumes within 10 s.
 */
class ReplicasIT {
    private static final int ROUTERS = 3;
    private static final int ALERTS = 30;
    private static final int MONITORS = 6;
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);
    private static final Duration ESCALATE_AFTER = Duration.ofSeconds(12);
    /** The largest batch a dispatcher claims: at most this many sends are in flight per router at a kill. */
    private static final int BATCH = 4;

    private static final String TOKEN = "ha-ingest-" + System.nanoTime();
    private static final Pattern ALERT = Pattern.compile("HaAlert(\\d+) fired");

    @TempDir
    Path tmp;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<JarProcess> routers = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private HttpServer standIn;
    private TestPostgres.Database pg;

    private final Map<String, AtomicInteger> probeHits = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> slack = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> webhookByKey = new ConcurrentHashMap<>();
    private final Map<Integer, Long> firstWebhookNanos = new ConcurrentHashMap<>();
    private final List<Long> webhookArrivals = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopAll() {
        routers.forEach(JarProcess::close);
        for (int i = 0; i < routers.size(); i++) {
            String out = routers.get(i).stdout() + routers.get(i).stderr();
            List<String> lines = out.lines().filter(l -> !l.startsWith("\tat ")).toList();
            System.out.println("---- router " + i + " (last lines of its log)");
            lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.out::println);
        }
        if (standIn != null) standIn.stop(0);
        if (pg != null) pg.close();
    }

    @Test
    void threeRoutersShareEveryJobAndSurviveTheKillOfTwo() throws Exception {
        startStandIn();
        pg = TestPostgres.createDatabase("ha");
        for (int i = 0; i < ROUTERS; i++) routers.add(startRouter(i));
        for (int i = 0; i < ROUTERS; i++) {
            int router = i;
            await().atMost(Duration.ofSeconds(150))
                    .pollInterval(Duration.ofMillis(500))
                    .failFast(
                            "router " + router + " exited",
                            () -> !routers.get(router).isAlive())
                    .ignoreExceptions()
                    .until(() -> role(router).path("live").asInt() == ROUTERS);
        }
        // the shares are settled when the replicas' monitors add up to all of them
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> owned() == MONITORS);

        // --- probes: each target polled once per interval, whatever the number of replicas: wait until every
        // target was polled POLLS times more; three replicas each polling would get there in a third of the time
        int polls = 5;
        Map<String, Integer> before = snapshot();
        long windowStart = System.nanoTime();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Map<String, Integer> d = diff(before, snapshot());
                    return d.size() == MONITORS && d.values().stream().allMatch(n -> n >= polls);
                });
        double windowSeconds = (System.nanoTime() - windowStart) / 1e9;
        Map<String, Integer> polled = diff(before, snapshot());
        System.out.printf(
                "HA: probe polls over %.1f s (interval %d s): %s%n", windowSeconds, PROBE_INTERVAL.toSeconds(), polled);
        assertThat(windowSeconds)
                .as("seconds until every target was polled %d times", polls)
                .isGreaterThan((polls - 1.5) * PROBE_INTERVAL.toSeconds());
        assertThat(polled.values()).allSatisfy(n -> assertThat(n).isBetween(polls, polls + 1));

        // --- alerts: each posted to all three routers
        int sweepLeader = sweepLeader();
        int deliveryVictim = (sweepLeader + 1) % ROUTERS;
        long postedAt = System.nanoTime();
        ExecutorService senders = Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
            for (int a = 0; a < ALERTS; a++) {
                for (int r = 0; r < ROUTERS; r++) {
                    int alert = a;
                    int router = r;
                    answers.add(senders.submit(() -> postAlert(router, alert)));
                }
            }
            for (var f : answers) assertThat(f.get()).isEqualTo(200);
        } finally {
            senders.shutdownNow();
        }

        // --- kill 1: a router that is not the sweep's leader, while the first messages go out
        await().atMost(Duration.ofSeconds(30)).until(() -> slack.size() >= 3);
        routers.get(deliveryVictim).close();
        System.out.printf(
                "HA: killed router %d during delivery (%d of %d Slack messages in)%n",
                deliveryVictim, slack.size(), ALERTS);

        // --- kill 2: the sweep's leader, about four seconds before the escalations are due (the fault is timed;
        // nothing is awaited here)
        long dueAt = postedAt + ESCALATE_AFTER.toNanos();
        long wait = dueAt - System.nanoTime() - 4_000_000_000L;
        if (wait > 0) Thread.sleep(wait / 1_000_000);
        int leader = sweepLeader();
        int survivor = 3 - leader - deliveryVictim;
        long killedAt = System.nanoTime();
        int webhooksBefore = webhookArrivals.size();
        routers.get(leader).close();
        System.out.printf("HA: the escalations are due about %d ms after this kill%n", (dueAt - killedAt) / 1_000_000);
        System.out.printf(
                "HA: killed router %d, the sweep's leader, %d of %d escalations in%n", leader, webhooksBefore, ALERTS);

        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> slack.size() == ALERTS && firstWebhookNanos.size() == ALERTS);
        assertThat(routers.get(survivor).isAlive()).isTrue();

        // escalation resumed: the first escalation after the kill, once some were still due
        long resumedMs = webhookArrivals.stream()
                        .filter(t -> t > killedAt)
                        .min(Long::compare)
                        .orElseThrow()
                - killedAt;
        resumedMs /= 1_000_000;
        // every alert stored once
        Map<String, Integer> all = alertRows();
        Map<String, Integer> rows = new HashMap<>(all);
        rows.keySet().removeIf(name -> !name.startsWith("HaAlert"));
        all.keySet().removeAll(rows.keySet());
        // a probe that timed out on this busy machine may raise an alert of its own: shown, not counted
        System.out.println("HA: other alerts: " + all);
        int slackDuplicates = slack.values().stream().mapToInt(n -> n.get() - 1).sum();
        int webhookDuplicates =
                webhookByKey.values().stream().mapToInt(n -> n.get() - 1).sum();
        System.out.printf(
                "HA: %d alerts, %d alert rows; Slack %d messages for %d alerts (%d duplicates); webhook %d "
                        + "escalations (%d duplicates); escalation resumed %d ms after the leader's kill%n",
                ALERTS,
                rows.values().stream().mapToInt(Integer::intValue).sum(),
                slack.values().stream().mapToInt(AtomicInteger::get).sum(),
                slack.size(),
                slackDuplicates,
                webhookByKey.size(),
                webhookDuplicates,
                resumedMs);
        assertThat(rows)
                .hasSize(ALERTS)
                .allSatisfy((name, n) -> assertThat(n).as(name).isEqualTo(1));
        assertThat(slackDuplicates + webhookDuplicates)
                .as("duplicates: at most the sends in flight at the two kills")
                .isLessThanOrEqualTo(2 * BATCH);
        if (webhooksBefore < ALERTS) {
            assertThat(resumedMs)
                    .as("escalation resumed after the leader's kill (ms)")
                    .isLessThanOrEqualTo(10_000);
        }
    }

    // ------------------------------------------------------------------ routers

    private JarProcess startRouter(int i) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("router-" + i));
        RouterHarness.shipped(home); // copies routes/ and config/
        Files.writeString(home.resolve("config/alert-rules.yaml"), """
                grouping:
                  by: [alertname]
                  groupWait: 0s
                  groupInterval: 5m
                  repeatInterval: 1h
                rules:
                  - name: ha
                    match: {team: ha}
                    severity: P1
                    summary: "{{alertname}} fired"
                """);
        Files.writeString(home.resolve("config/escalation.yaml"), """
                people:
                  primary: {name: Pat Primary}
                  secondary: {name: Sam Second}
                rotation: {members: [primary], start: "2026-01-05T09:00", zone: UTC}
                secondary: secondary
                policies:
                  P1:
                    steps:
                      - notify: [{channel: slack}]
                      - after: %ds
                        notify: [{channel: webhook}]
                    repeat: 1h
                  P2:
                    steps:
                      - notify: [{channel: slack}]
                  P3:
                    steps:
                      - notify: [{channel: slack}]
                """.formatted(ESCALATE_AFTER.toSeconds()));
        StringBuilder monitors = new StringBuilder(
                "defaults:\n  interval: %ds\n  timeout: 1s\nmonitors:\n".formatted(PROBE_INTERVAL.toSeconds()));
        for (int m = 0; m < MONITORS; m++) {
            monitors.append("  - id: target-")
                    .append(m)
                    .append("\n    kind: http\n    url: ")
                    .append(standInUrl("/probe/" + m))
                    .append('\n');
        }
        Files.writeString(home.resolve("config/monitors.yaml"), monitors);
        Files.writeString(
                home.resolve("config/application.properties"),
                "\nalerts.sweep-period-ms = 1000\n",
                java.nio.file.StandardOpenOption.APPEND);
        int port = RouterHarness.freePort();
        ports.add(port);
        Map<String, String> env = new HashMap<>();
        env.put("ROUTER_HTTP_PORT", Integer.toString(port));
        env.put("ROUTER_HEALTH_DETAIL", "public");
        env.put("ROUTER_WEBHOOK_TOKEN", TOKEN);
        env.put("ROUTER_DB_URL", pg.url());
        env.put("ROUTER_DB_USER", pg.user());
        env.put("ROUTER_DB_PASSWORD", pg.password());
        env.put("SLACK_WEBHOOK_URL", standInUrl("/slack/services/T000/B000/ha"));
        env.put("WEBHOOK_URL", standInUrl("/webhook"));
        env.put("WEBHOOK_SECRET", "ha-webhook-secret-" + "0123456789");
        env.put("NOTIFY_BATCH_SIZE", Integer.toString(BATCH));
        env.put("NOTIFY_SEND_TIMEOUT", "2s");
        env.put("NOTIFY_LEASE", "6s");
        env.put("NOTIFY_POLL_INTERVAL", "200ms");
        env.put("JAVA_TOOL_OPTIONS", "-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        return JarProcess.start(home, env);
    }

    private JsonNode health(int router) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(router) + "/health"))
                        .timeout(Duration.ofSeconds(3))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(r.body());
    }

    private JsonNode role(int router) throws Exception {
        return health(router).path("replica");
    }

    private int owned() throws Exception {
        int owned = 0;
        for (int i = 0; i < ROUTERS; i++) owned += role(i).path("monitors").asInt();
        return owned;
    }

    private int sweepLeader() {
        return await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(
                        () -> {
                            for (int i = 0; i < ROUTERS; i++) {
                                if (routers.get(i).isAlive()
                                        && role(i).path("sweepLeader").asBoolean()) return i;
                            }
                            return -1;
                        },
                        i -> i >= 0);
    }

    private int postAlert(int router, int alert) throws Exception {
        String body = """
                {"version": "4", "status": "firing", "receiver": "ops-router", "groupKey": "{}:{alertname=\\"HaAlert%d\\"}",
                 "alerts": [{"status": "firing", "labels": {"alertname": "HaAlert%d", "team": "ha", "severity": "critical"},
                             "annotations": {}, "startsAt": "2026-12-07T01:00:00Z", "fingerprint": "%016x"}]}
                """.formatted(alert, alert, alert);
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(router) + "/webhooks/alertmanager"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TOKEN)
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) System.out.println("HA: alert " + alert + " to router " + router + ": " + r.body());
        return r.statusCode();
    }

    private Map<String, Integer> alertRows() throws Exception {
        Map<String, Integer> rows = new HashMap<>();
        try (Connection c = pg.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT name, count(*) FROM alerts GROUP BY name")) {
            while (rs.next()) rows.put(rs.getString(1), rs.getInt(2));
        }
        return rows;
    }

    // ------------------------------------------------------------------ the stand-in receivers and target

    private void startStandIn() throws Exception {
        standIn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        standIn.setExecutor(Executors.newFixedThreadPool(16));
        standIn.createContext("/probe/", ex -> {
            probeHits
                    .computeIfAbsent(ex.getRequestURI().getPath(), k -> new AtomicInteger())
                    .incrementAndGet();
            answer(ex, "ok");
        });
        standIn.createContext("/slack/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            sleep(1_000); // a receiver's latency: sends are in flight for a while
            Matcher m = ALERT.matcher(body);
            if (m.find())
                slack.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new AtomicInteger())
                        .incrementAndGet();
            answer(ex, "ok");
        });
        standIn.createContext("/webhook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
            webhookByKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            Matcher m = ALERT.matcher(body);
            long now = System.nanoTime();
            webhookArrivals.add(now);
            if (m.find()) firstWebhookNanos.putIfAbsent(Integer.parseInt(m.group(1)), now);
            answer(ex, "ok");
        });
        standIn.start();
    }

    private String standInUrl(String path) {
        return "http://127.0.0.1:" + standIn.getAddress().getPort() + path;
    }

    private static void answer(HttpExchange ex, String text) throws java.io.IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, Integer> snapshot() {
        Map<String, Integer> s = new HashMap<>();
        probeHits.forEach((k, v) -> s.put(k, v.get()));
        return s;
    }

    private static Map<String, Integer> diff(Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, Integer> d = new java.util.TreeMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0)));
        return d;
    }
}
