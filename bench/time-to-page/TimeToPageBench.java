import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * bench/time-to-page: the router from the built jar, its home an unchanged copy of routes/ and config/, every shipped
 * monitor pointed at a stand-in (front end, Supabase REST/Auth/Functions, VAPI, Twilio and Slack APIs on one HTTP
 * server in this JVM; the calls database a fresh PostgreSQL database with config/sql/demo-schema.sql), and Slack and
 * Twilio stand-ins that record when each message arrives. Real time, real processes: minutes. See README.md.
 *
 * <ul>
 *   <li>A: the front end answers 500 from T (just after one of its probe runs: the worst phase); T to the SMS.
 *   <li>B: a P1 emergency call is received at T and stays new; (T + 1 minute) to the SMS.
 *   <li>C: two different P1 alerts of one service posted 20 s apart (POST /api/v2/alerts); each one's POST to SMS.
 *   <li>D: the same through the monitors: Supabase REST answers 500 from T, Supabase Auth (same service) from T + 20 s;
 *       each one's failure to SMS (the second is not held back by the first's message).
 * </ul>
 */
public class TimeToPageBench {
    // ---------------------------------------------------------------- options
    static Path repo = Path.of(".").toAbsolutePath().normalize();
    static int portBase = 19400;
    static String javaOpts = "@jvm.options";
    static String jar = "target/ops-router.jar";
    static int waitMinutes = 5;
    static boolean keep = System.getenv("BENCH_KEEP") != null;

    static final String SID = "AC" + "0123456789abcdef".repeat(2);
    static final String TOKEN = "bench-ttp-token-0123456789";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            String v = kv.length > 1 ? kv[1] : "true";
            switch (kv[0]) {
                case "repo" -> repo = Path.of(v).toAbsolutePath().normalize();
                case "port-base" -> portBase = Integer.parseInt(v);
                case "java-opts" -> javaOpts = v;
                case "jar" -> jar = v;
                case "wait-minutes" -> waitMinutes = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option --" + kv[0]);
            }
        }
        System.out.println("bench/time-to-page  load average " + loadAverage() + "  (" + Instant.now() + ")");
        StandIns s = new StandIns(portBase + 1);
        String db = "bench_ttp_" + ProcessHandle.current().pid();
        psql("test", "CREATE DATABASE " + db);
        Path home = Files.createTempDirectory("ops-router-ttp");
        Process router = null;
        try {
            psqlFile(db, repo.resolve("config/sql/demo-schema.sql"));
            copyTree(repo.resolve("routes"), home.resolve("routes"));
            copyTree(repo.resolve("config"), home.resolve("config"));
            int port = portBase + 2;
            router = startRouter(home, port, s, db);
            long pid = router.pid();
            System.out.println("router pid " + pid + " ready on :" + port + "; waiting for the monitors to be up");
            // the front end up (successThreshold 2 at a 15 s interval, first runs spread over the interval)
            waitUntil(() -> s.frontendHits.get() >= 3, Duration.ofSeconds(90), "three front-end probe runs");
            Thread.sleep(3_000);
            long cpu0 = cpuTicks(pid);
            String load0 = loadAverage();

            // B: the call is received at T and stays new; the query's minute ends at T + 1 minute
            Instant tB = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            psql(db, "INSERT INTO calls (priority, status, received_at, summary) VALUES ('P1', 'new', '" + tB
                    + "', 'bench: burst pipe')");
            Instant minuteB = tB.plusSeconds(60);
            System.out.println("B: P1 call received at " + tB + " (its minute ends " + minuteB + ")");

            // C: two different P1 alerts of the service 'calls', 20 s apart
            Thread.sleep(5_000);
            Instant tC1 = post("BenchCallbackQueueStuck");
            System.out.println("C: first P1 (BenchCallbackQueueStuck, service calls) posted at " + tC1);

            // A: the front end answers 500 from just after one of its runs (the next run is an interval away)
            int hits = s.frontendHits.get();
            waitUntil(() -> s.frontendHits.get() > hits, Duration.ofSeconds(30), "a front-end probe run");
            Thread.sleep(200);
            s.frontendStatus = 500;
            Instant tA = Instant.now();
            System.out.println("A: front end answers 500 from " + tA + " (200 ms after a probe run)");

            // D: Supabase REST fails now, Supabase Auth (service backend too) 20 s later
            s.restStatus = 500;
            Instant tD1 = Instant.now();
            System.out.println("D: Supabase REST answers 500 from " + tD1);

            Thread.sleep(Math.max(0, Duration.between(Instant.now(), tC1.plusSeconds(20)).toMillis()));
            Instant tC2 = post("BenchVoiceAgentFailing");
            System.out.println("C: second P1 (BenchVoiceAgentFailing, same service) posted at " + tC2);

            Thread.sleep(Math.max(0, Duration.between(Instant.now(), tD1.plusSeconds(20)).toMillis()));
            s.authStatus = 500;
            Instant tD2 = Instant.now();
            System.out.println("D: Supabase Auth (same service) answers 500 from " + tD2);

            Predicate<String> isA = b -> b.contains("frontend");
            Predicate<String> isB = b -> b.contains("emergency");
            Predicate<String> isC1 = b -> b.contains("BenchCallbackQueueStuck");
            Predicate<String> isC2 = b -> b.contains("BenchVoiceAgentFailing");
            Predicate<String> isD1 = b -> b.contains("supabase-rest is unreachable");
            Predicate<String> isD2 = b -> b.contains("supabase-auth is unreachable");
            waitUntil(
                    () -> s.sms.first(isA) != null
                            && s.sms.first(isB) != null
                            && s.sms.first(isC2) != null
                            && s.sms.first(isD1) != null
                            && s.sms.first(isD2) != null,
                    Duration.ofMinutes(waitMinutes),
                    "the three scenarios' SMS");
            Thread.sleep(2_000); // Slack's copies, if they are behind the SMS
            long cpu1 = cpuTicks(pid);

            System.out.println();
            System.out.println("results (load average at start " + load0 + ", now " + loadAverage() + "; router CPU "
                    + String.format("%.1f", (cpu1 - cpu0) / 100.0) + " s over the scenarios)");
            report("A  front end 500 at T: T -> SMS", tA, s.sms.first(isA), Duration.ofSeconds(150));
            report("A  front end 500 at T: T -> Slack", tA, s.slack.first(isA), null);
            report("B  P1 call at T: (T + 1 min) -> SMS", minuteB, s.sms.first(isB), Duration.ofSeconds(15));
            report("B  P1 call at T: (T + 1 min) -> Slack", minuteB, s.slack.first(isB), null);
            report("C  first P1 of service calls: POST -> SMS", tC1, s.sms.first(isC1), Duration.ofSeconds(2));
            report("C  second P1, 20 s later: POST -> SMS", tC2, s.sms.first(isC2), Duration.ofSeconds(2));
            report("C  second P1, 20 s later: POST -> Slack", tC2, s.slack.first(isC2), null);
            report("D  Supabase REST 500 at T: T -> SMS", tD1, s.sms.first(isD1), Duration.ofSeconds(165));
            report("D  Supabase Auth 500 20 s later: its T -> SMS", tD2, s.sms.first(isD2), Duration.ofSeconds(165));
            Arrival d1 = s.sms.first(isD1), d2 = s.sms.first(isD2);
            if (d1 != null && d2 != null)
                System.out.printf("  %-48s %10s%n", "D  second SMS after the first", ms(Duration.between(d1.at, d2.at)));
            System.out.println();
            System.out.println("SMS received (" + s.sms.all.size() + "):");
            for (Arrival a : s.sms.all)
                System.out.println("  +" + ms(Duration.between(tB, a.at)) + " after B's T, " + a.text.length()
                        + " chars: " + a.text.replace("\n", " | "));
            System.out.println("Slack messages received: " + s.slack.all.size());
        } finally {
            if (router != null) {
                router.destroy();
                if (!router.waitFor(20, java.util.concurrent.TimeUnit.SECONDS))
                    router.destroyForcibly().waitFor();
            }
            s.stop();
            psql("test", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            if (keep) System.out.println("kept " + home);
            else deleteTree(home);
        }
    }

    static void report(String what, Instant from, Arrival to, Duration target) {
        String fig = to == null ? "NOT RECEIVED" : ms(Duration.between(from, to.at));
        String t = target == null ? "" : "   target <= " + ms(target)
                + (to == null ? "" : Duration.between(from, to.at).compareTo(target) <= 0 ? "  ok" : "  OVER");
        System.out.printf("  %-48s %10s%s%n", what, fig, t);
    }

    static String ms(Duration d) {
        long m = d.toMillis();
        String sign = m < 0 ? "-" : "";
        m = Math.abs(m);
        return m >= 60_000
                ? String.format("%s%dm%02d.%01ds", sign, m / 60_000, m % 60_000 / 1000, m % 1000 / 100)
                : String.format("%s%.1fs", sign, m / 1000.0);
    }

    /** POST /api/v2/alerts: one P1 (severity critical) of the service 'calls'; the time just before the request. */
    static Instant post(String alertname) throws Exception {
        String body = "[{\"labels\":{\"alertname\":\"" + alertname + "\",\"service\":\"calls\",\"severity\":\"critical\"},"
                + "\"annotations\":{\"summary\":\"" + alertname + " (bench)\"},\"startsAt\":\"" + Instant.now()
                + "\",\"generatorURL\":\"http://bench.local/\"}]";
        Instant at = Instant.now();
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (portBase + 2) + "/api/v2/alerts"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TOKEN)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IllegalStateException("POST answered " + r.statusCode() + ": " + r.body());
        return at;
    }

    // ---------------------------------------------------------------- the router
    static Process startRouter(Path home, int port, StandIns s, String db) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("java");
        for (String opt : javaOpts.trim().split("\\s+"))
            cmd.add(opt.equals("@jvm.options") ? "@" + repo.resolve("jvm.options") : opt);
        cmd.addAll(List.of("-jar", repo.resolve(jar).toString(), "run", "--home", home.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile());
        Map<String, String> env = pb.environment();
        env.put("ROUTER_HTTP_PORT", Integer.toString(port));
        env.put("ROUTER_WEBHOOK_TOKEN", TOKEN);
        env.put("ROUTER_PUBLIC_URL", "https://ops.example.com");
        env.put("ONCALL_PRIMARY_PHONE", "+15145550123");
        env.put("SLACK_WEBHOOK_URL", s.url("/slack/services/T0/B0/bench"));
        env.put("TWILIO_ACCOUNT_SID", SID);
        env.put("TWILIO_AUTH_TOKEN", "bench-" + "auth");
        env.put("TWILIO_FROM_NUMBER", "+15145550100");
        env.put("TWILIO_API_URL", s.url("/twilio"));
        // what the shipped monitors probe (config/monitors.yaml, docs/probes.md)
        env.put("FRONTEND_URL", s.url("/frontend/"));
        env.put("SUPABASE_URL", s.url("/supabase"));
        env.put("SUPABASE_ANON_KEY", "bench-anon-key");
        env.put("VAPI_API_URL", s.url("/vapi"));
        env.put("VAPI_API_KEY", "bench-vapi-key");
        // slack-api needs SLACK_TOKEN, which the router refuses next to SLACK_WEBHOOK_URL: with a webhook it is off
        env.put("TARGET_DB_URL", "jdbc:postgresql://127.0.0.1:5432/" + db);
        env.put("TARGET_DB_USER", "postgres");
        env.put("TARGET_DB_PASSWORD", "");
        pb.redirectErrorStream(true);
        Path log = home.resolve("router.log");
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IllegalStateException("the router did not start:\n" + Files.readString(log));
            try {
                HttpResponse<Void> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) return p;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("the router was not ready after 120 s");
    }

    // ---------------------------------------------------------------- the stand-ins
    record Arrival(Instant at, String text) {}

    static final class Inbox {
        final List<Arrival> all = new CopyOnWriteArrayList<>();

        Arrival first(Predicate<String> p) {
            for (Arrival a : all) if (p.test(a.text)) return a;
            return null;
        }
    }

    /** Every URL the shipped monitors probe, and the Slack webhook and Twilio Messages API, on one port. */
    static final class StandIns {
        final HttpServer server;
        final Inbox sms = new Inbox();
        final Inbox slack = new Inbox();
        final AtomicInteger frontendHits = new AtomicInteger();
        volatile int frontendStatus = 200;
        volatile int restStatus = 200;
        volatile int authStatus = 200;

        StandIns(int port) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", this::handle);
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        void handle(HttpExchange ex) throws IOException {
            Instant now = Instant.now();
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/frontend")) {
                frontendHits.incrementAndGet();
                int st = frontendStatus;
                reply(ex, st, st == 200 ? "<html>ok</html>" : "<html>Internal Server Error</html>");
            } else if (path.startsWith("/twilio/") && path.endsWith("/Messages.json")) {
                sms.all.add(new Arrival(now, form(body).getOrDefault("Body", body)));
                reply(ex, 201, "{\"sid\":\"SM" + System.nanoTime() + "\",\"status\":\"queued\"}");
            } else if (path.startsWith("/twilio/")) {
                reply(ex, 200, "{\"sid\":\"" + SID + "\",\"status\":\"active\"}");
            } else if (path.startsWith("/slack/")) {
                slack.all.add(new Arrival(now, body));
                reply(ex, 200, "ok");
            } else if (path.startsWith("/slackapi/")) {
                reply(ex, 200, "{\"ok\":true}");
            } else if (path.startsWith("/supabase/rest/")) {
                reply(ex, restStatus, restStatus == 200 ? "[]" : "{\"message\":\"bench outage\"}");
            } else if (path.startsWith("/supabase/auth/")) {
                reply(ex, authStatus, authStatus == 200 ? "{}" : "{\"message\":\"bench outage\"}");
            } else if (path.startsWith("/supabase/") || path.startsWith("/vapi/")) {
                reply(ex, 200, "[]");
            } else {
                reply(ex, 404, "not found");
            }
        }

        static Map<String, String> form(String body) {
            Map<String, String> out = new java.util.HashMap<>();
            for (String kv : body.split("&")) {
                int i = kv.indexOf('=');
                if (i > 0)
                    out.put(
                            URLDecoder.decode(kv.substring(0, i), StandardCharsets.UTF_8),
                            URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
            }
            return out;
        }

        static void reply(HttpExchange ex, int status, String body) throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", body.startsWith("{") || body.startsWith("[")
                    ? "application/json" : "text/html");
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        }

        void stop() {
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    // ---------------------------------------------------------------- helpers
    interface Check {
        boolean ok() throws Exception;
    }

    static void waitUntil(Check c, Duration max, String what) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (!c.ok()) {
            if (System.nanoTime() > deadline) {
                System.out.println("gave up waiting for " + what + " after " + max);
                return;
            }
            Thread.sleep(20);
        }
    }

    static long cpuTicks(long pid) throws IOException {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static void psql(String db, String sql) throws Exception {
        run(List.of("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-qc", sql));
    }

    static void psqlFile(String db, Path file) throws Exception {
        run(List.of("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-qf",
                file.toString()));
    }

    static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
