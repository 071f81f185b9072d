import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * bench/delivery: the router (from the built jar) and Debian's prometheus-alertmanager side by side, fed by the same
 * client into the same receivers. Scenarios (--scenario=delivery,storm-p1,kills; see bench/delivery/README.md):
 * delivery (both, per receiver delay), a P1 behind 5,000 P3 on a rate-limited Slack, and SIGKILLs during delivery.
 */
public class DeliveryBench {
    static final Pattern ID = Pattern.compile("bk(\\d{6})");
    static final int P1_ID = 999_999;
    static final long T0 = System.nanoTime();

    // ---------------------------------------------------------------- options
    static Path repo = Path.of(".").toAbsolutePath().normalize();
    static List<String> scenarios = List.of("delivery", "storm-p1");
    static int[] delays = {40};
    static int alerts = 5000;
    static int batch = 100;
    static int senders = 4;
    static int warmup = 1000;
    static boolean pg;
    static String groupWait = "0s";
    static boolean peer = true;
    static int kills = 10;
    static int killAlerts = 3000;
    static int settleSeconds = 75;
    /** {@code --kill-delay=MS}: the receivers' answer delay in the kills scenario (0 unless set). */
    static int killDelayMs;
    static int p1TimeoutSeconds = 60;
    /** {@code --flood-senders=N}: the flood's concurrent senders in flood-p1. */
    static int floodSenders = 16;
    /** {@code --p1-after=N}: flood-p1 posts its P1 once the router has accepted N flood alerts. */
    static int p1After = 10_000;
    /** {@code --idle=S}: flood-p1 measures the store again S seconds after the flood was delivered. */
    static int idleSeconds = 60;
    /** {@code --rounds=N}: flood-p1 floods the same router N times (the P1 in the first), each followed by --idle. */
    static int floodRounds = 1;
    static String javaOpts = "@jvm.options";
    /** {@code --ports=N}: ports N, N+1, ... for the receivers, routers and the peer instead of any free port. */
    static int nextPort;
    static long seed = System.currentTimeMillis();
    static List<String> jars = List.of("target/ops-router.jar");
    static String jar = "target/ops-router.jar";
    /** {@code --repeat=N}: the delivery scenario N rounds (each jar, then the peer, per round), then the medians. */
    static int repeat = 1;
    /** Router settings added by {@code --env=NAME=VALUE} (repeatable), after the bench's own. */
    static final Map<String, String> extraEnv = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            String v = kv.length > 1 ? kv[1] : "true";
            switch (kv[0]) {
                case "repo" -> repo = Path.of(v).toAbsolutePath().normalize();
                case "scenario" -> scenarios = List.of(v.split(","));
                case "delays" -> delays = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "alerts" -> alerts = Integer.parseInt(v);
                case "batch" -> batch = Integer.parseInt(v);
                case "senders" -> senders = Integer.parseInt(v);
                case "warmup" -> warmup = Integer.parseInt(v);
                case "pg" -> pg = Boolean.parseBoolean(v);
                case "group-wait" -> groupWait = v;
                case "no-peer" -> peer = !Boolean.parseBoolean(v);
                case "kills" -> kills = Integer.parseInt(v);
                case "kill-alerts" -> killAlerts = Integer.parseInt(v);
                case "settle" -> settleSeconds = Integer.parseInt(v);
                case "kill-delay" -> killDelayMs = Integer.parseInt(v);
                case "p1-timeout" -> p1TimeoutSeconds = Integer.parseInt(v);
                case "flood-senders" -> floodSenders = Integer.parseInt(v);
                case "p1-after" -> p1After = Integer.parseInt(v);
                case "idle" -> idleSeconds = Integer.parseInt(v);
                case "rounds" -> floodRounds = Integer.parseInt(v);
                case "java-opts" -> javaOpts = v;
                case "ports" -> nextPort = Integer.parseInt(v);
                case "seed" -> seed = Long.parseLong(v);
                case "jar" -> jars = List.of(v.split(","));
                case "repeat" -> repeat = Integer.parseInt(v);
                case "env" -> extraEnv.put(v.substring(0, v.indexOf('=')), v.substring(v.indexOf('=') + 1));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        jar = jars.get(0);
        Receiver rx = new Receiver();
        try {
            System.out.printf(
                    "== bench/delivery: store %s, %d cores, load average %s ==%n",
                    pg ? "PostgreSQL (fresh database)" : "embedded H2",
                    Runtime.getRuntime().availableProcessors(),
                    loadAverage());
            for (String s : scenarios) {
                switch (s) {
                    case "delivery" -> {
                        for (int d : delays) deliveryRounds(rx, d);
                    }
                    case "storm-p1" -> eachJar(() -> stormP1(rx));
                    case "flood-p1" -> eachJar(() -> floodP1(rx));
                    case "kills" -> eachJar(() -> kills(rx));
                    case "restart" -> eachJar(() -> restart(rx));
                    default -> throw new IllegalArgumentException("unknown scenario " + s);
                }
            }
        } finally {
            rx.stop();
        }
    }

    interface Scenario {
        void run() throws Exception;
    }

    /** Runs a scenario once per {@code --jar}, naming the jar when there are several (the same seed for each). */
    static void eachJar(Scenario scenario) throws Exception {
        for (String j : jars) {
            jar = j;
            if (jars.size() > 1) System.out.printf("%n== router jar: %s ==%n", j);
            scenario.run();
        }
    }

    // ---------------------------------------------------------------- scenario 1
    record Figures(
            String who,
            int n,
            double acceptedPerS,
            double deliveredPerS,
            int delivered,
            long p50,
            long p99,
            double cpuS,
            long hwmKb,
            int dups,
            long storeBytesPer1000,
            long rssKbPer1000) {}

    /**
     * {@code --repeat} rounds of {@link #delivery} for every jar, then per jar the median of each figure and of each
     * ratio (a ratio is taken within its round, so a loaded round weighs on both sides): one run varies by 15-25%.
     */
    static void deliveryRounds(Receiver rx, int delayMs) throws Exception {
        Map<String, List<Figures[]>> runs = new LinkedHashMap<>();
        for (int round = 1; round <= repeat; round++) {
            for (String j : jars) {
                jar = j;
                runs.computeIfAbsent(j, k -> new ArrayList<>()).add(delivery(rx, delayMs));
            }
        }
        if (repeat < 2) return;
        System.out.printf("%n-- medians of %d rounds, receiver %d ms; load average %s%n", repeat, delayMs, loadAverage());
        for (var e : runs.entrySet()) {
            List<Figures[]> rs = e.getValue();
            System.out.printf(
                    "%s: router accepted %.0f/s  delivered %.0f/s  p50 %.0f ms  p99 %.0f ms  CPU %.1f s  peak RSS %.0f MB%n",
                    e.getKey(),
                    median(rs, f -> f[0].acceptedPerS),
                    median(rs, f -> f[0].deliveredPerS),
                    median(rs, f -> f[0].p50),
                    median(rs, f -> f[0].p99),
                    median(rs, f -> f[0].cpuS),
                    median(rs, f -> f[0].hwmKb / 1024.0));
            if (!peer) continue;
            System.out.printf(
                    "   alertmanager delivered %.0f/s; ratios router/alertmanager: accepted %.2fx  delivered %.2fx"
                            + "  p99 %.2fx  CPU %.2fx  peak RSS %.2fx%n",
                    median(rs, f -> f[1].deliveredPerS),
                    median(rs, f -> f[0].acceptedPerS / f[1].acceptedPerS),
                    median(rs, f -> f[0].deliveredPerS / f[1].deliveredPerS),
                    median(rs, f -> (double) f[0].p99 / Math.max(1, f[1].p99)),
                    median(rs, f -> f[0].cpuS / Math.max(0.01, f[1].cpuS)),
                    median(rs, f -> (double) f[0].hwmKb / Math.max(1, f[1].hwmKb)));
        }
    }

    static double median(List<Figures[]> runs, java.util.function.ToDoubleFunction<Figures[]> figure) {
        double[] v = runs.stream().mapToDouble(figure).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** One router run, then (unless --no-peer) one Alertmanager run: their figures, the peer's null without it. */
    static Figures[] delivery(Receiver rx, int delayMs) throws Exception {
        rx.reset(delayMs, 0);
        System.out.printf(
                "%n-- delivery: %d distinct alerts (each its own group, group wait %s), POST /api/v2/alerts batches of %d,"
                        + " %d senders; receiver answers after %d ms; load average %s%n",
                alerts, groupWait, batch, senders, delayMs, loadAverage());
        if (jars.size() > 1) System.out.println("   router jar: " + jar);
        Figures r;
        try (Router router = Router.start(rx, "delivery")) {
            r = feedAndWait(rx, "ops-router", router.port, router.proc, "webhook", 0, router::storeBytes);
        }
        print(r);
        if (!peer) return new Figures[] {r, null};
        rx.reset(delayMs, 0);
        Figures a;
        try (Peer am = Peer.start(rx)) {
            a = feedAndWait(rx, "alertmanager", am.port, am.proc, "am", 0, () -> treeBytes(am.dir));
        }
        print(a);
        System.out.printf(
                "ratios router/alertmanager: accepted %.2fx  delivered %.2fx  p99 %.2fx  CPU %.2fx  peak RSS %.2fx"
                        + "  (load average %s)%n",
                r.acceptedPerS / a.acceptedPerS,
                r.deliveredPerS / a.deliveredPerS,
                (double) r.p99 / Math.max(1, a.p99),
                r.cpuS / Math.max(0.01, a.cpuS),
                (double) r.hwmKb / Math.max(1, a.hwmKb),
                loadAverage());
        return new Figures[] {r, a};
    }

    static void print(Figures f) {
        System.out.printf(
                "%-13s accepted %7.0f alerts/s  delivered %7.0f alerts/s (%d/%d, %d duplicates)  accepted->delivered"
                        + " p50 %d ms p99 %d ms  CPU %.1f s  peak RSS %d MB; per 1,000 alerts: store +%d kB,"
                        + " RSS +%d MB%n",
                f.who, f.acceptedPerS, f.deliveredPerS, f.delivered, f.n, f.dups, f.p50, f.p99, f.cpuS,
                f.hwmKb / 1024, f.storeBytesPer1000 / 1024, f.rssKbPer1000 / 1024);
    }

    /** Warm-up alerts first (ids above the measured ones), then the measured storm; waits for its delivery. */
    static Figures feedAndWait(
            Receiver rx,
            String who,
            int port,
            Process proc,
            String channel,
            int idBase,
            java.util.concurrent.Callable<Long> storeBytes)
            throws Exception {
        Client client = new Client(port, rx.token);
        if (warmup > 0) {
            int from = 500_000 + idBase;
            client.post(from, warmup, "info");
            waitDelivered(rx, channel, from, warmup, 60);
        }
        long store0 = storeBytes.call();
        long rss0 = statusKb(proc.pid(), "VmRSS:");
        long cpu0 = cpuTicks(proc.pid());
        Map<String, Long> threads0 = System.getenv("BENCH_THREADS") != null ? threadTicks(proc.pid()) : Map.of();
        long start = System.nanoTime();
        long[] accepted = client.post(idBase, alerts, "info");
        long acceptedEnd = Arrays.stream(accepted).max().orElse(start);
        waitDelivered(rx, channel, idBase, alerts, 120);
        long cpu1 = cpuTicks(proc.pid());
        long hwm = hwmKb(proc.pid());
        long storeGrowth = (storeBytes.call() - store0) * 1000 / alerts;
        long rssGrowth = (statusKb(proc.pid(), "VmRSS:") - rss0) * 1000 / alerts;
        if (System.getenv("BENCH_THREADS") != null) threads(proc.pid(), threads0);
        long[] lat = new long[alerts];
        int got = 0;
        long lastArrival = start;
        for (int i = 0; i < alerts; i++) {
            long t = rx.first(channel, idBase + i);
            if (t == 0) continue;
            lat[got++] = (t - accepted[i]) / 1_000_000;
            lastArrival = Math.max(lastArrival, t);
        }
        long[] l = Arrays.copyOf(lat, got);
        Arrays.sort(l);
        return new Figures(
                who,
                alerts,
                alerts / ((acceptedEnd - start) / 1e9),
                got / ((lastArrival - start) / 1e9),
                got,
                pct(l, 50),
                pct(l, 99),
                (cpu1 - cpu0) / 100.0,
                hwm,
                rx.duplicates(channel),
                storeGrowth,
                rssGrowth);
    }

    static void waitDelivered(Receiver rx, String channel, int from, int n, int stallSeconds) throws Exception {
        long last = -1;
        long since = System.nanoTime();
        while (true) {
            long got = rx.count(channel, from, n);
            if (got >= n) return;
            if (got != last) {
                last = got;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > stallSeconds * 1_000_000_000L) {
                System.out.printf("   (%s: %d of %d delivered, nothing new for %d s; giving up)%n", channel, got, n,
                        stallSeconds);
                return;
            }
            Thread.sleep(20);
        }
    }

    // ---------------------------------------------------------------- scenario 2
    static void stormP1(Receiver rx) throws Exception {
        rx.reset(0, 1);
        System.out.printf(
                "%n-- storm-p1: %d P3 alerts queued on Slack (stand-in: 1 message/s, burst 3, then 429 Retry-After: 1),"
                        + " then one P1 (Slack + SMS); load average %s%n",
                alerts, loadAverage());
        try (Router router = Router.start(rx, "storm-p1")) {
            Client client = new Client(router.port, rx.token);
            client.post(0, alerts, "info");
            long queuedBy = System.nanoTime();
            // the P1 goes in once the backlog is held by Slack's rate limit: a message delivered and one refused
            while ((rx.count("slack", 0, alerts) == 0 || rx.refused.get() == 0)
                    && System.nanoTime() - queuedBy < 30_000_000_000L) Thread.sleep(20);
            long[] at = client.post(P1_ID, 1, "critical");
            long deadline = at[0] + p1TimeoutSeconds * 1_000_000_000L;
            while ((rx.first("slack", P1_ID) == 0 || rx.first("sms", P1_ID) == 0) && System.nanoTime() < deadline)
                Thread.sleep(20);
            System.out.printf(
                    "P1 behind the storm: to Slack %s, to SMS %s  (Slack had %d messages, %d answered 429; load average %s)%n",
                    since(at[0], rx.first("slack", P1_ID)),
                    since(at[0], rx.first("sms", P1_ID)),
                    rx.count("slack", 0, alerts),
                    rx.refused.get(),
                    loadAverage());
        }
    }

    // ---------------------------------------------------------------- scenario 2b
    /**
     * A flood of P3 alerts, each its own group, from {@code --flood-senders} concurrent senders (more than the router
     * writes at once, so requests queue at its intake); once {@code --p1-after} of them are accepted, one P1 (Slack and
     * SMS) from another client. Prints the P1's time from its POST to its answer, to SMS and to Slack, /health while
     * the flood lasts, and the flood's own figures.
     */
    static void floodP1(Receiver rx) throws Exception {
        int delay = delays[0];
        rx.reset(delay, 0);
        System.out.printf(
                "%n-- flood-p1: %d P3 alerts (each its own group) from %d senders, batches of %d, to a webhook answering"
                        + " after %d ms; a P1 (Slack + SMS) once %d are accepted; load average %s%n",
                alerts, floodSenders, batch, delay, p1After, loadAverage());
        try (Router router = Router.start(rx, "flood-p1")) {
            Client flood = new Client(router.port, rx.token, floodSenders);
            long store0 = router.storeBytes();
            long rss0 = statusKb(router.proc.pid(), "VmRSS:");
            long cpu0 = cpuTicks(router.proc.pid());
            long start = System.nanoTime();
            ExecutorService bg = Executors.newFixedThreadPool(2);
            Future<long[]> flooding = bg.submit(() -> flood.post(0, alerts, "info"));
            java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
            long[] health = new long[3]; // probes, not 200, slowest ms
            Future<?> probing = bg.submit(() -> {
                HttpClient h = HttpClient.newHttpClient();
                HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port + "/health"))
                        .timeout(Duration.ofSeconds(30))
                        .build();
                while (!over.get()) {
                    long t = System.nanoTime();
                    int code;
                    try {
                        code = h.send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (IOException e) {
                        code = 0;
                    }
                    health[0]++;
                    if (code != 200) health[1]++;
                    health[2] = Math.max(health[2], (System.nanoTime() - t) / 1_000_000);
                    Thread.sleep(250);
                }
                return null;
            });
            while (flood.acceptedSoFar.get() < p1After && !flooding.isDone()) Thread.sleep(5);
            long acceptedBefore = flood.acceptedSoFar.get();
            long posted = System.nanoTime();
            long answered = new Client(router.port, rx.token, 1).post(P1_ID, 1, "critical")[0];
            long deadline = posted + p1TimeoutSeconds * 1_000_000_000L;
            while ((rx.first("slack", P1_ID) == 0 || rx.first("sms", P1_ID) == 0) && System.nanoTime() < deadline)
                Thread.sleep(5);
            System.out.printf(
                    "P1 in the flood (posted after %d flood alerts were accepted): POST answered %s, to SMS %s, to Slack"
                            + " %s (from the POST)%n",
                    acceptedBefore, since(posted, answered), since(posted, rx.first("sms", P1_ID)),
                    since(posted, rx.first("slack", P1_ID)));
            long[] accepted = flooding.get();
            long acceptedEnd = Arrays.stream(accepted).max().orElse(start);
            waitDelivered(rx, "webhook", 0, alerts, 120);
            long deliveredBy = System.nanoTime();
            long storeAfter = router.storeBytes();
            over.set(true);
            probing.get();
            bg.shutdown();
            System.out.printf(
                    "flood: accepted %.0f alerts/s, delivered %d/%d by %.1f s; CPU %.1f s; per 1,000 alerts: store +%d kB,"
                            + " RSS +%d MB; POSTs answered 503/429 and sent again: %d; /health: %d probes, %d not 200,"
                            + " slowest %d ms (load average %s)%n",
                    alerts / ((acceptedEnd - start) / 1e9),
                    rx.count("webhook", 0, alerts),
                    alerts,
                    (System.nanoTime() - start) / 1e9,
                    (cpuTicks(router.proc.pid()) - cpu0) / 100.0,
                    (router.storeBytes() - store0) * 1000 / alerts / 1024,
                    (statusKb(router.proc.pid(), "VmRSS:") - rss0) * 1000 / alerts / 1024,
                    flood.retried.get(),
                    health[0], health[1], health[2],
                    loadAverage());
            // what the storm leaves once the router is idle: H2 compacts its file in the background
            long settled = Math.max(0, idleSeconds * 1_000_000_000L - (System.nanoTime() - deliveredBy));
            Thread.sleep(settled / 1_000_000);
            System.out.printf(
                    "store: +%d MB when the flood was delivered, +%d MB %d s later%n",
                    (storeAfter - store0) >> 20,
                    (router.storeBytes() - store0) >> 20,
                    idleSeconds);
            // more floods on the same router: does a later storm write into the space an earlier one freed?
            for (int round = 2; round <= floodRounds; round++) {
                int from = (round - 1) * alerts;
                long before = router.storeBytes();
                flood.post(from, alerts, "info");
                waitDelivered(rx, "webhook", from, alerts, 120);
                long delivered = System.nanoTime();
                long grown = router.storeBytes() - before;
                Thread.sleep(Math.max(0, idleSeconds * 1000L - (System.nanoTime() - delivered) / 1_000_000));
                System.out.printf(
                        "flood %d: store +%d MB while it lasted, now +%d MB since the router started%n",
                        round, grown >> 20, (router.storeBytes() - store0) >> 20);
            }
        }
    }

    static String since(long from, long at) {
        return at == 0 ? "not within " + p1TimeoutSeconds + " s" : String.format("%.2f s", (at - from) / 1e9);
    }

    // ---------------------------------------------------------------- scenario 3
    static void kills(Receiver rx) throws Exception {
        rx.reset(killDelayMs, 0);
        String[] channels = {"webhook", "slack", "sms"};
        System.out.printf(
                "%n-- kills: %d SIGKILLs at random moments while %d alerts are delivered to webhook, Slack and SMS;"
                        + " store %s; load average %s%n",
                kills, killAlerts, pg ? "PostgreSQL" : "H2", loadAverage());
        if (killDelayMs > 0) System.out.printf("   receivers answer after %d ms%n", killDelayMs);
        Random random = new Random(seed);
        Path home = Files.createTempDirectory("ops-router-bench-kills");
        String db = pg ? createDatabase() : null;
        List<Long> killedAt = new ArrayList<>();
        int port = freePort();
        Router router = Router.start(rx, "kills", home, db, port);
        try {
            new Client(router.port, rx.token).post(0, killAlerts, "info");
            int expected = killAlerts * channels.length;
            for (int k = 0; k < kills; k++) {
                Thread.sleep(300 + random.nextInt(2500));
                int got = 0;
                for (String c : channels) got += rx.count(c, 0, killAlerts);
                if (got >= expected) {
                    System.out.printf("   delivery finished after %d kills%n", k);
                    break;
                }
                router.proc.destroyForcibly().waitFor();
                killedAt.add(System.nanoTime());
                router = Router.start(rx, "kills", home, db, port);
            }
            long since = System.nanoTime();
            int last = -1;
            while (System.nanoTime() - since < settleSeconds * 1_000_000_000L) {
                int got = rx.arrivals.get();
                if (got != last) {
                    last = got;
                    since = System.nanoTime();
                }
                Thread.sleep(200);
            }
            int delivered = 0, missing = 0, dups = 0;
            int[] dupsPerKill = new int[killedAt.size() + 1];
            Map<String, int[]> perChannel = new LinkedHashMap<>(); // delivered, missing, duplicated, largest per kill
            int sameKey = 0, keyed = 0;
            for (String c : channels) {
                int[] f = perChannel.computeIfAbsent(c, k -> new int[4]);
                int[] channelPerKill = new int[killedAt.size() + 1];
                for (int i = 0; i < killAlerts; i++) {
                    List<Long> a = rx.arrivalsOf(c, i);
                    if (a.isEmpty()) {
                        missing++;
                        f[1]++;
                        continue;
                    }
                    delivered++;
                    f[0]++;
                    if (a.size() > 1) {
                        dups += a.size() - 1;
                        f[2] += a.size() - 1;
                        // each repeat is charged to the kill that came after the send it repeats (which stopped that
                        // send's mark): a send repeated after one kill and killed again counts once for each kill
                        List<Long> times = new ArrayList<>(a);
                        java.util.Collections.sort(times);
                        // (an arrival is recorded once the receiver answers, --kill-delay after the request came in:
                        // a request that came in before a kill belongs to that kill)
                        for (int j = 1; j < times.size(); j++) {
                            long came = times.get(j - 1) - killDelayMs * 1_000_000L;
                            int k = 0;
                            while (k < killedAt.size() && killedAt.get(k) < came) k++;
                            dupsPerKill[k]++;
                            channelPerKill[k]++;
                        }
                        List<String> ks = rx.keys.getOrDefault(c, Map.of()).getOrDefault(i, List.of());
                        if (!ks.isEmpty()) {
                            keyed += a.size() - 1;
                            sameKey += ks.size() - (int) ks.stream().distinct().count();
                        }
                    }
                }
                f[3] = Arrays.stream(channelPerKill).max().orElse(0);
            }
            int maxPerKill = Arrays.stream(dupsPerKill).max().orElse(0);
            System.out.printf(
                    "kills %d (%s): expected %d messages, delivered %d, missing %d, duplicated %d (%.2f %%),"
                            + " largest duplicates per kill %d; per kill %s; load average %s%n",
                    killedAt.size(), pg ? "PostgreSQL" : "H2", expected, delivered, missing, dups,
                    100.0 * dups / expected, maxPerKill, Arrays.toString(dupsPerKill), loadAverage());
            for (Map.Entry<String, int[]> e : perChannel.entrySet()) {
                int[] f = e.getValue();
                System.out.printf(
                        "   %s: delivered %d, missing %d, duplicated %d (%.2f %%), largest duplicates per kill %d%n",
                        e.getKey(), f[0], f[1], f[2], 100.0 * f[2] / killAlerts, f[3]);
            }
            // what a kill repeats, in time: its duplicates over the arrival rate just before it (about the time from
            // a send's start to its mark's commit)
            StringBuilder perKill = new StringBuilder();
            for (int k = 0; k < killedAt.size(); k++) {
                long at = killedAt.get(k);
                int before = 0;
                for (String c : channels)
                    for (int i = 0; i < killAlerts; i++)
                        for (long t : new ArrayList<>(rx.arrivalsOf(c, i)))
                            if (t < at && t >= at - 1_000_000_000L) before++;
                perKill.append(String.format(
                        "%s%d dup/%d per s%s", k == 0 ? "" : ", ", dupsPerKill[k], before,
                        before == 0 ? "" : String.format(" = %.0f ms", 1000.0 * dupsPerKill[k] / before)));
            }
            System.out.printf(
                    "   per kill, duplicates / messages arriving in the second before it (= ms of delivery repeated): %s%n",
                    perKill);
            System.out.printf(
                    "   Idempotency-Key: %d of %d duplicates on channels that send it repeat the first send's key"
                            + " (a receiver honouring it drops them); %d duplicates on channels without a key%n",
                    sameKey, keyed, dups - keyed);
        } finally {
            router.close();
            if (db != null) dropDatabase(db);
            deleteTree(home);
        }
    }

    /**
     * A router killed while its webhook send is in flight (the receiver holds the request), then started again on
     * the same home and store: the time from the restarted router being up to the message arriving again. On H2 the
     * killed process's claims are due at start-up; on PostgreSQL once it has left the live replicas (before V20, when
     * the claim's lease ended).
     */
    static void restart(Receiver rx) throws Exception {
        // held long enough that the killed send's late answer comes after every figure this prints
        rx.reset(150_000, 0);
        System.out.printf(
                "%n-- restart: the router is killed with one message in flight to the webhook, then started again;"
                        + " store %s; load average %s%n",
                pg ? "PostgreSQL" : "H2", loadAverage());
        Path home = Files.createTempDirectory("ops-router-bench-restart");
        String db = pg ? createDatabase() : null;
        int port = freePort();
        Router router = Router.start(rx, "kills", home, db, port);
        try {
            new Client(router.port, rx.token).post(0, 1, "info");
            // killed once the receivers hold its sends: the webhook's, Slack's and the SMS
            long posted = System.nanoTime();
            while (rx.held.get() < 3 && System.nanoTime() - posted < 30_000_000_000L) Thread.sleep(20);
            router.proc.destroyForcibly().waitFor();
            rx.reset(0, 0);
            router = Router.start(rx, "kills", home, db, port);
            long up = System.nanoTime();
            while (rx.count("webhook", 0, 1) == 0 && System.nanoTime() - up < 120_000_000_000L) Thread.sleep(20);
            List<Long> a = rx.arrivalsOf("webhook", 0);
            System.out.println(
                    a.isEmpty()
                            ? "restart: the message did not arrive within 120 s of the restarted router being up"
                            : String.format(
                                    "restart: the message in flight at the kill arrived %.1f s after the restarted"
                                            + " router was up",
                                    (a.get(0) - up) / 1e9));
        } finally {
            router.close();
            if (db != null) dropDatabase(db);
            deleteTree(home);
        }
    }

    // ---------------------------------------------------------------- the router, the peer
    static final class Router implements AutoCloseable {
        final Process proc;
        final int port;
        final Path home;
        final boolean ownHome;
        final String db;

        Router(Process proc, int port, Path home, boolean ownHome, String db) {
            this.proc = proc;
            this.port = port;
            this.home = home;
            this.ownHome = ownHome;
            this.db = db;
        }

        static Router start(Receiver rx, String scenario) throws Exception {
            Path home = Files.createTempDirectory("ops-router-bench");
            return start(rx, scenario, home, pg ? createDatabase() : null, freePort(), true);
        }

        static Router start(Receiver rx, String scenario, Path home, String db, int port) throws Exception {
            return start(rx, scenario, home, db, port, false);
        }

        static Router start(Receiver rx, String scenario, Path home, String db, int port, boolean own)
                throws Exception {
            writeHome(home, scenario);
            List<String> cmd = new ArrayList<>();
            cmd.add("java");
            for (String opt : javaOpts.trim().split("\\s+"))
                cmd.add(opt.equals("@jvm.options") ? "@" + repo.resolve("jvm.options") : opt);
            cmd.addAll(List.of("-jar", repo.resolve(jar).toString(), "run", "--home", home.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            Map<String, String> env = pb.environment();
            env.put("ROUTER_HTTP_PORT", Integer.toString(port));
            env.put("ROUTER_WEBHOOK_TOKEN", rx.token);
            env.put("ROUTER_INGEST_RATE_LIMIT", "1000000000");
            env.put("ROUTER_INGEST_SEVERITY_MAP", "critical=P1,warning=P2,info=P3");
            env.put("ROUTER_LOG_LEVEL", "WARN");
            env.put("ONCALL_PRIMARY_PHONE", "+15145550123");
            env.put("WEBHOOK_URL", rx.url("/webhook"));
            env.put("WEBHOOK_SECRET", "bench-webhook-secret-0123456789");
            env.put("SLACK_WEBHOOK_URL", rx.url("/slack/services/T0/B0/bench"));
            env.put("TWILIO_ACCOUNT_SID", "AC" + "0123456789abcdef".repeat(2));
            env.put("TWILIO_AUTH_TOKEN", "bench-" + "auth");
            env.put("TWILIO_FROM_NUMBER", "+15145550100");
            env.put("TWILIO_API_URL", rx.url("/twilio"));
            if (!scenario.equals("storm-p1")) {
                // the router's own rate limits (Slack and SMS one a second) are storm-p1's subject; elsewhere the
                // stand-ins have none, like the peer's receiver
                env.put("NOTIFY_SLACK_RATE", "0");
                env.put("NOTIFY_SMS_RATE", "0");
            }
            env.putAll(extraEnv);
            if (db != null) {
                env.put("ROUTER_DB_URL", "jdbc:postgresql://127.0.0.1:5432/" + db);
                env.put("ROUTER_DB_USER", "postgres");
                env.put("ROUTER_DB_PASSWORD", "");
            }
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("router.log").toFile()));
            Process p = pb.start();
            waitReady(p, "http://127.0.0.1:" + port + "/-/ready", home.resolve("router.log"));
            return new Router(p, port, home, own, db);
        }

        /** The embedded store's files under the home, or the PostgreSQL database's size. */
        long storeBytes() throws Exception {
            if (db == null) return treeBytes(home.resolve("data"));
            Process p = new ProcessBuilder(
                            "psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-Atc",
                            "SELECT pg_database_size('" + db + "')")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return Long.parseLong(out);
        }

        @Override
        public void close() throws Exception {
            proc.destroy();
            if (!proc.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) proc.destroyForcibly().waitFor();
            if (ownHome) {
                if (System.getenv("BENCH_KEEP") == null) deleteTree(home);
                else System.out.println("   kept " + home);
                if (db != null) dropDatabase(db);
            }
        }
    }

    /** The bench home: the shipped routes and config, with grouping per alert and the scenario's policies. */
    static void writeHome(Path home, String scenario) throws IOException {
        if (Files.exists(home.resolve("config/alert-rules.yaml"))) return;
        copyTree(repo.resolve("routes"), home.resolve("routes"));
        copyTree(repo.resolve("config"), home.resolve("config"));
        Path rules = home.resolve("config/alert-rules.yaml");
        String r = Files.readString(rules);
        r = r.replaceFirst(
                "(?s)grouping:.*?\\n\\n",
                "grouping:\n  by: [bkid]\n  groupWait: " + groupWait + "\n  groupInterval: 1s\n  repeatInterval: 4h\n\n");
        Files.writeString(rules, r);
        Path esc = home.resolve("config/escalation.yaml");
        String e = Files.readString(esc);
        String head = e.substring(0, e.indexOf("\npolicies:"));
        String p3 =
                switch (scenario) {
                    case "delivery" -> "          - {channel: webhook}\n";
                    case "storm-p1" -> "          - {channel: slack}\n";
                    case "flood-p1" -> "          - {channel: webhook}\n";
                    default -> "          - {channel: webhook}\n          - {channel: slack}\n"
                            + "          - {channel: sms, to: primary}\n";
                };
        Files.writeString(
                esc,
                head + "\npolicies:\n  P1:\n    steps:\n      - notify:\n          - {channel: slack}\n"
                        + "          - {channel: sms, to: primary}\n  P2:\n    steps:\n      - notify:\n"
                        + "          - {channel: webhook}\n  P3:\n    steps:\n      - notify:\n" + p3);
    }

    static final class Peer implements AutoCloseable {
        final Process proc;
        final int port;
        final Path dir;

        Peer(Process proc, int port, Path dir) {
            this.proc = proc;
            this.port = port;
            this.dir = dir;
        }

        static Peer start(Receiver rx) throws Exception {
            Path dir = Files.createTempDirectory("alertmanager-bench");
            Files.writeString(
                    dir.resolve("alertmanager.yml"),
                    "route:\n  receiver: bench\n  group_by: ['bkid']\n  group_wait: 0s\n  group_interval: 1s\n"
                            + "  repeat_interval: 4h\nreceivers:\n  - name: bench\n    webhook_configs:\n"
                            + "      - url: " + rx.url("/am") + "\n        send_resolved: false\n");
            int port = freePort();
            ProcessBuilder pb = new ProcessBuilder(
                    "/usr/bin/prometheus-alertmanager",
                    "--config.file=" + dir.resolve("alertmanager.yml"),
                    "--storage.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--cluster.listen-address=",
                    "--log.level=warn");
            pb.redirectErrorStream(true);
            pb.redirectOutput(dir.resolve("alertmanager.log").toFile());
            Process p = pb.start();
            waitReady(p, "http://127.0.0.1:" + port + "/-/ready", dir.resolve("alertmanager.log"));
            return new Peer(p, port, dir);
        }

        @Override
        public void close() throws Exception {
            proc.destroy();
            proc.waitFor();
            deleteTree(dir);
        }
    }

    static void waitReady(Process p, String url, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IllegalStateException("did not start:\n" + Files.readString(log));
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("not ready after 120 s: " + url);
    }

    // ---------------------------------------------------------------- the client
    static final class Client {
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final int port;
        final String token;
        final int threads;
        /** Alerts whose POST has been answered 2xx so far. */
        final AtomicLong acceptedSoFar = new AtomicLong();
        /** POSTs answered 503 or 429 and sent again. */
        final AtomicLong retried = new AtomicLong();

        Client(int port, String token) {
            this(port, token, senders);
        }

        Client(int port, String token, int threads) {
            this.port = port;
            this.token = token;
            this.threads = threads;
        }

        /** Posts alerts bk(from)..bk(from+n-1) in batches from {@code senders} threads; the time each was accepted. */
        long[] post(int from, int n, String severity) throws Exception {
            long[] accepted = new long[n];
            String startsAt = Instant.now().toString();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int b = 0; b < n; b += batch) {
                int lo = b, hi = Math.min(n, b + batch);
                done.add(pool.submit(() -> {
                    StringBuilder sb = new StringBuilder("[");
                    for (int i = lo; i < hi; i++) {
                        String id = String.format("bk%06d", from + i);
                        if (i > lo) sb.append(',');
                        sb.append("{\"labels\":{\"alertname\":\"").append(id).append("\",\"bkid\":\"").append(id)
                                .append("\",\"severity\":\"").append(severity).append("\"},\"annotations\":{\"summary\":\"")
                                .append(id).append(" bench\"},\"startsAt\":\"").append(startsAt)
                                .append("\",\"generatorURL\":\"http://bench.local/\"}");
                    }
                    sb.append(']');
                    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v2/alerts"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + token)
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(sb.toString()))
                            .build();
                    for (int attempt = 1; ; attempt++) {
                        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() / 100 == 2) break;
                        // like Alertmanager: a 503 or 429 is retried (after its Retry-After), anything else fails
                        boolean again = r.statusCode() == 503 || r.statusCode() == 429;
                        if (!again || attempt == 60)
                            throw new IllegalStateException("POST answered " + r.statusCode() + ": " + r.body());
                        retried.incrementAndGet();
                        long after = r.headers().firstValueAsLong("Retry-After").orElse(0);
                        Thread.sleep(Math.max(200, Math.min(after, 5) * 1000));
                    }
                    long t = System.nanoTime();
                    for (int i = lo; i < hi; i++) accepted[i] = t;
                    acceptedSoFar.addAndGet(hi - lo);
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
            pool.shutdown();
            return accepted;
        }
    }

    // ---------------------------------------------------------------- the receivers
    /** Webhook, Slack and Twilio stand-ins on one port: each request's bk ids and arrival times, per channel. */
    static final class Receiver {
        final HttpServer server;
        final String token = "bench-token-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        final Map<String, Map<Integer, List<Long>>> seen = new ConcurrentHashMap<>();
        final AtomicLong refused = new AtomicLong();
        final java.util.concurrent.atomic.AtomicInteger arrivals = new java.util.concurrent.atomic.AtomicInteger();
        /** Requests that came in and have not been answered yet (held by the delay). */
        final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
        /** Per channel and alert, the Idempotency-Key header of each arrival (absent when the channel sends none). */
        final Map<String, Map<Integer, List<String>>> keys = new ConcurrentHashMap<>();
        volatile int delayMs;
        volatile double slackPerSecond; // 0: no limit
        double tokens = 3;
        long lastRefill = System.nanoTime();

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", nextPort > 0 ? freePort() : 0), 4096);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/webhook", ex -> handle(ex, "webhook", false));
            server.createContext("/am", ex -> handle(ex, "am", false));
            server.createContext("/slack", ex -> handle(ex, "slack", true));
            server.createContext("/twilio", ex -> handle(ex, "sms", false));
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        void reset(int delay, double slackRate) {
            seen.clear();
            texts.clear();
            keys.clear();
            refused.set(0);
            arrivals.set(0);
            delayMs = delay;
            slackPerSecond = slackRate;
        }

        synchronized boolean slackToken() {
            if (slackPerSecond <= 0) return true;
            long now = System.nanoTime();
            tokens = Math.min(3, tokens + (now - lastRefill) / 1e9 * slackPerSecond);
            lastRefill = now;
            if (tokens < 1) return false;
            tokens -= 1;
            return true;
        }

        /** The SMS Twilio took, newest last: what its message list answers (the router asks after a crash). */
        final List<String[]> texts = java.util.Collections.synchronizedList(new ArrayList<>());

        void handle(HttpExchange ex, String channel, boolean slack) throws IOException {
            try (InputStream in = ex.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (channel.equals("sms") && ex.getRequestMethod().equals("GET")
                        && ex.getRequestURI().getPath().endsWith("/Messages.json")) {
                    if (delayMs > 0) Thread.sleep(delayMs);
                    reply(ex, 200, messageList(ex.getRequestURI().getRawQuery()));
                    return;
                }
                if (channel.equals("sms") && ex.getRequestMethod().equals("POST")) texts.add(twilioMessage(body));
                if (delayMs > 0) {
                    held.incrementAndGet();
                    try {
                        Thread.sleep(delayMs);
                    } finally {
                        held.decrementAndGet();
                    }
                }
                if (slack && !slackToken()) {
                    refused.incrementAndGet();
                    ex.getResponseHeaders().add("Retry-After", "1");
                    reply(ex, 429, "rate_limited");
                    return;
                }
                long now = System.nanoTime();
                Matcher m = ID.matcher(body);
                java.util.Set<Integer> ids = new java.util.HashSet<>();
                while (m.find()) ids.add(Integer.parseInt(m.group(1)));
                Map<Integer, List<Long>> ch = seen.computeIfAbsent(channel, k -> new ConcurrentHashMap<>());
                String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
                for (int id : ids) {
                    List<Long> l = ch.computeIfAbsent(id, k -> java.util.Collections.synchronizedList(new ArrayList<>()));
                    l.add(now);
                    if (key != null)
                        keys.computeIfAbsent(channel, k -> new ConcurrentHashMap<>())
                                .computeIfAbsent(id, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                                .add(key);
                    arrivals.incrementAndGet();
                }
                if (channel.equals("sms")) reply(ex, 201, "{\"sid\":\"SM" + now + "\",\"status\":\"queued\"}");
                else reply(ex, 200, slack ? "ok" : "{}");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        static String[] twilioMessage(String form) {
            Map<String, String> f = new java.util.HashMap<>();
            for (String kv : form.split("&")) {
                int i = kv.indexOf('=');
                if (i > 0)
                    f.put(kv.substring(0, i), java.net.URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
            }
            String date = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
            return new String[] {f.get("To"), f.get("From"), f.get("Body"), date};
        }

        String messageList(String query) {
            String to = null;
            int page = 0;
            for (String kv : (query == null ? "" : query).split("&")) {
                if (kv.startsWith("To=")) to = java.net.URLDecoder.decode(kv.substring(3), StandardCharsets.UTF_8);
                if (kv.startsWith("Page=")) page = Integer.parseInt(kv.substring(5));
            }
            StringBuilder sb = new StringBuilder("{\"messages\": [");
            List<String[]> all;
            synchronized (texts) {
                all = new ArrayList<>(texts);
            }
            int n = 0, skip = page * 1000;
            boolean more = false;
            for (int i = all.size() - 1; i >= 0; i--) {
                String[] t = all.get(i);
                if (to != null && !to.equals(t[0])) continue;
                if (skip > 0) {
                    skip--;
                    continue;
                }
                if (n == 1000) {
                    more = true;
                    break;
                }
                if (n++ > 0) sb.append(", ");
                sb.append("{\"to\": \"").append(json(t[0])).append("\", \"from\": \"").append(json(t[1]))
                        .append("\", \"body\": \"").append(json(t[2])).append("\", \"date_created\": \"")
                        .append(t[3]).append("\"}");
            }
            sb.append("], \"next_page_uri\": ");
            if (!more) return sb.append("null}").toString();
            return sb.append("\"/2010-04-01/Accounts/x/Messages.json?").append(query.replaceAll("&Page=\\d+", ""))
                    .append("&Page=").append(page + 1).append("\"}").toString();
        }

        static String json(String s) {
            if (s == null) return "";
            StringBuilder b = new StringBuilder();
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') b.append('\\').append(c);
                else if (c == '\n') b.append("\\n");
                else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                else b.append(c);
            }
            return b.toString();
        }

        static void reply(HttpExchange ex, int status, String body) throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        }

        long first(String channel, int id) {
            List<Long> l = arrivalsOf(channel, id);
            synchronized (l) {
                return l.isEmpty() ? 0 : l.get(0);
            }
        }

        List<Long> arrivalsOf(String channel, int id) {
            return seen.getOrDefault(channel, Map.of()).getOrDefault(id, List.of());
        }

        long count(String channel, int from, int n) {
            Map<Integer, List<Long>> ch = seen.getOrDefault(channel, Map.of());
            long c = 0;
            for (int i = from; i < from + n; i++) if (ch.containsKey(i)) c++;
            return c;
        }

        int duplicates(String channel) {
            int d = 0;
            for (List<Long> l : seen.getOrDefault(channel, Map.of()).values()) d += Math.max(0, l.size() - 1);
            return d;
        }

        void stop() {
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    // ---------------------------------------------------------------- helpers
    static long pct(long[] sorted, int p) {
        if (sorted.length == 0) return -1;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    static long cpuTicks(long pid) throws IOException {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
    }

    /**
     * The process's threads with the most CPU while measuring (BENCH_THREADS=1): where the time went. Threads are
     * summed by name with digits as {@code #}; {@code java} is the JVM's main thread (start-up, then idle).
     */
    static void threads(long pid, Map<String, Long> before) throws IOException {
        Map<String, Long> byName = threadTicks(pid);
        before.forEach((k, v) -> byName.merge(k, -v, Long::sum));
        byName.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(14)
                .forEach(e -> System.out.printf("   thread %-20s %6.2f s CPU%n", e.getKey(), e.getValue() / 100.0));
    }

    static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> byName = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String s = Files.readString(t.resolve("stat"));
                String name = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')')).replaceAll("\\d+", "#");
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                byName.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
            }
        }
        return byName;
    }

    static long hwmKb(long pid) throws IOException {
        return statusKb(pid, "VmHWM:");
    }

    static long statusKb(long pid, String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith(field)) return Long.parseLong(l.replaceAll("\\D", ""));
        }
        return -1;
    }

    static long treeBytes(Path dir) throws IOException {
        if (!Files.exists(dir)) return 0;
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static synchronized int freePort() throws IOException {
        while (nextPort > 0) {
            int p = nextPort++;
            try (ServerSocket s = new ServerSocket(p)) {
                return p;
            } catch (IOException busy) {
                // taken: the next one
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String createDatabase() throws Exception {
        String name = "bench_delivery_" + ProcessHandle.current().pid() + "_" + (System.nanoTime() % 1_000_000);
        psql("CREATE DATABASE " + name);
        return name;
    }

    static void dropDatabase(String name) throws Exception {
        psql("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    static void psql(String sql) throws Exception {
        Process p = new ProcessBuilder("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qc", sql)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException("psql: " + out);
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
