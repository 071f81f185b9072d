package io.opsrouter.bench;

import com.sun.net.httpserver.HttpServer;
import io.opsrouter.alert.Signal;
import io.opsrouter.app.RouterApp;
import io.opsrouter.cli.Modules;
import io.opsrouter.config.Env;
import io.opsrouter.outbox.AlertView;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Outbox;
import io.opsrouter.store.StateStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.ProducerTemplate;

/**
 * bench/alerts: signals through whatever alert pipeline is bound, the outbox and the Slack channel to a
 * local HTTP sink standing in for Slack. Prints alerts/s end to end, p50/p99 from signal to delivery and
 * the outbox depth while it runs. A second phase measures the outbox-to-Slack stage alone.
 */
public final class AlertsBench {
    private static final Pattern E2E = Pattern.compile("e2e-\\d+-alert-(\\d+)");
    private static final Pattern STAGE = Pattern.compile("outbox-msg-(\\d+)");
    private static final Pattern WARM = Pattern.compile("warm-alert-\\d+-(\\d+)");

    public static void main(String[] args) throws Exception {
        Map<String, String> a = args(args);
        int signals = Integer.parseInt(a.getOrDefault("signals", "10000"));
        int alerts = Integer.parseInt(a.getOrDefault("alerts", "2000"));
        int stageMessages = Integer.parseInt(a.getOrDefault("outbox-messages", "2000"));
        Path repo = Path.of(a.getOrDefault("repo", ".")).toAbsolutePath().normalize();
        Path home = Files.createTempDirectory("bench-alerts");
        copy(repo.resolve("routes"), home.resolve("routes"));
        copy(repo.resolve("config"), home.resolve("config"));
        // one message per alert, sent as soon as the alert is stored: the bench measures the pipeline, not group_wait
        Path rules = home.resolve("config/alert-rules.yaml");
        Files.writeString(
                rules,
                Files.readString(rules)
                        .replaceFirst("(?m)^  by: \\[service]", "  by: [alertname, instance]")
                        .replaceFirst("(?m)^  groupWait: \\S+", "  groupWait: 0s"));

        Sink sink = new Sink();
        Map<String, String> env = new HashMap<>();
        env.put("SLACK_WEBHOOK_URL", sink.url() + "/services/bench");
        if (System.getenv("ROUTER_DB_URL") != null) {
            env.put("ROUTER_DB_URL", System.getenv("ROUTER_DB_URL"));
            if (System.getenv("ROUTER_DB_USER") != null) env.put("ROUTER_DB_USER", System.getenv("ROUTER_DB_USER"));
            if (System.getenv("ROUTER_DB_PASSWORD") != null)
                env.put("ROUTER_DB_PASSWORD", System.getenv("ROUTER_DB_PASSWORD"));
        }
        Map<String, String> overrides = Map.of("router.http.port", Integer.toString(freePort()));
        RouterApp app = new RouterApp(home, overrides, new Env(env), Clock.systemUTC(), Modules.all());
        app.start();
        StateStore store = app.context().store();
        Object intake = app.camel().getRegistry().lookupByName("alertIntake");
        System.out.printf(
                "store: %s; alert intake: %s%n",
                store.dialect().label(), intake.getClass().getName());

        // phase 1: end to end, after a warm-up round on other alerts (a running router's code is compiled)
        ProducerTemplate producer = app.camel().createProducerTemplate();
        io.opsrouter.alert.AlertIntake direct =
                app.camel().getRegistry().lookupByNameAndType("alertIntake", io.opsrouter.alert.AlertIntake.class);
        // --batch=1 sends each signal through direct:signals (as probes do); a larger batch hands that many to the
        // intake at once, as a webhook payload does. --senders=N pushes from N threads at once (probes and webhooks
        // of one moment), each waiting for its signals to be stored before it sends the next.
        int batch = Integer.parseInt(a.getOrDefault("batch", "1"));
        int senders = Integer.parseInt(a.getOrDefault("senders", "16"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "10000"));
        int rounds = Integer.parseInt(a.getOrDefault("warmup-rounds", "40"));
        double settled = Double.parseDouble(a.getOrDefault("jit-settled", "0.05"));
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        for (int r = 0; r < rounds && warmup > 0; r++) {
            sink.clear();
            long jit0 = jit.getTotalCompilationTime();
            long w0 = System.nanoTime();
            push(
                    producer,
                    direct,
                    "warm-alert-" + r + "-",
                    warmup,
                    alerts,
                    batch,
                    senders,
                    new AtomicLongArray(alerts));
            waitForQuiet(sink, store, WARM, alerts, 30_000);
            double wall = ms(System.nanoTime() - w0);
            resolve(direct, "warm-alert-" + r + "-", alerts);
            waitForEmptyOutbox(store, 30_000);
            if (store.dialect() == io.opsrouter.store.Dialect.POSTGRESQL) {
                // what autovacuum does within a minute or two on a running router; without it the planner still
                // believes the tables it saw empty are empty and reads every firing alert to find a group's
                store.read(c -> c.createStatement().execute("ANALYZE"));
            }
            double share = (jit.getTotalCompilationTime() - jit0) / ms(System.nanoTime() - w0);
            System.out.printf(
                    "warm-up round %d: %d signals for %d other alerts in %.0f ms; JIT compiling %.0f %% of the round%n",
                    r + 1, warmup, alerts, wall, 100 * share);
            if (share < settled) break;
        }
        // phase 1 is measured over several rounds of fresh alerts: on a shared 2-vCPU machine one run of the same
        // code varies by 15-25 %, so the median round is the figure to compare, with every round printed beside it
        int measured = Integer.parseInt(a.getOrDefault("rounds", "5"));
        Profiler profiler = new Profiler(a.get("profile"));
        profiler.start();
        System.out.printf(
                "phase 1, end to end, %d sender(s), batches of %d, %d signals for %d alerts per round%n",
                senders, batch, signals, alerts);
        List<Round> results = new ArrayList<>();
        for (int r = 1; r <= measured; r++) {
            sink.clear();
            String prefix = "e2e-" + r + "-alert-";
            Round round = endToEnd(producer, direct, store, sink, prefix, signals, alerts, batch, senders);
            results.add(round);
            System.out.printf(
                    "  round %d: %5.0f signals/s stored and delivered; signal -> Slack p50 %4.1f ms, p99 %5.1f ms, max %5.1f ms;"
                            + " outbox depth median %d, max %d; %3.0f us CPU and %5.0f bytes written per signal, %2.0f %% of the machine,"
                            + " JIT compiling %.0f %% of the round; %.1f context switches per signal%n",
                    r,
                    round.rate(),
                    round.p50(),
                    round.p99(),
                    round.max(),
                    round.depthMedian(),
                    round.depthMax(),
                    round.cpuMicros(),
                    round.bytes(),
                    round.busy(),
                    round.jit(),
                    round.switches());
            resolve(direct, prefix, alerts);
            waitForEmptyOutbox(store, 30_000);
        }
        profiler.stop();
        System.out.printf(
                "  median of %d rounds: %.0f signals (fed-in alerts)/s end to end, p99 signal -> Slack %.1f ms (worst round %.1f ms),"
                        + " %.0f us CPU and %.0f bytes written per signal%n",
                measured,
                median(results, Round::rate),
                median(results, Round::p99),
                results.stream().mapToDouble(Round::p99).max().orElse(0),
                median(results, Round::cpuMicros),
                median(results, Round::bytes));
        System.out.println("  store after phase 1: outbox "
                + counts(store, "SELECT channel || ':' || kind || ':' || status, COUNT(*) FROM outbox GROUP BY 1")
                + ", alerts " + counts(store, "SELECT status, COUNT(*) FROM alerts GROUP BY 1"));

        // phase 2: the outbox stage alone, notifications written as the alert pipeline writes them
        sink.clear();
        long[] committed = new long[stageMessages];
        DepthSampler depth2 = new DepthSampler(store);
        depth2.start();
        long s0 = System.nanoTime();
        for (int i = 0; i < stageMessages; i++) {
            Notification n = stageNotification(i);
            store.inTransaction(c -> Outbox.enqueue(c, n, Instant.now()));
            committed[i] = System.nanoTime();
        }
        long sEnq = System.nanoTime();
        waitForQuiet(sink, store, STAGE, stageMessages, 30_000);
        depth2.stop();
        Map<Integer, Long> got = sink.firstArrivals(STAGE);
        long sLast = got.values().stream().mapToLong(Long::longValue).max().orElse(s0);
        List<Double> lat2 = new ArrayList<>();
        got.forEach((n, at) -> lat2.add(ms(at - committed[n])));
        System.out.printf(
                "phase 2, outbox -> Slack sink: %d notifications committed one per transaction in %.0f ms%n",
                stageMessages, ms(sEnq - s0));
        System.out.printf(
                "  %d delivered in %.0f ms: %.0f notifications/s; commit -> delivery p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                got.size(),
                ms(sLast - s0),
                got.size() / (ms(sLast - s0) / 1000),
                pct(lat2, 50),
                pct(lat2, 99),
                pct(lat2, 100));
        System.out.printf(
                "  outbox depth while running: median %d, max %d; duplicates at the sink: %d%n",
                depth2.median(), depth2.max(), sink.count(STAGE) - got.size());

        // phase 3: latency at a steady, moderate rate (what a real incident looks like)
        int paced = Integer.parseInt(a.getOrDefault("paced-messages", "300"));
        int rate = Integer.parseInt(a.getOrDefault("paced-rate", "100"));
        sink.clear();
        long[] committed3 = new long[paced];
        long p0 = System.nanoTime();
        for (int i = 0; i < paced; i++) {
            long due = p0 + i * 1_000_000_000L / rate;
            while (System.nanoTime() < due) Thread.onSpinWait();
            Notification n = stageNotification(i);
            store.inTransaction(c -> Outbox.enqueue(c, n, Instant.now()));
            committed3[i] = System.nanoTime();
        }
        waitForQuiet(sink, store, STAGE, paced, 30_000);
        Map<Integer, Long> got3 = sink.firstArrivals(STAGE);
        List<Double> lat3 = new ArrayList<>();
        got3.forEach((n, at) -> lat3.add(ms(at - committed3[n])));
        System.out.printf(
                "phase 3, paced at %d/s: %d of %d delivered; commit -> delivery p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                rate, got3.size(), paced, pct(lat3, 50), pct(lat3, 99), pct(lat3, 100));
        System.out.printf(
                "(load average while measuring: %s)%n",
                Files.readString(Path.of("/proc/loadavg")).trim());
        app.stop();
        sink.close();
        try (Stream<Path> files = Files.walk(home)) {
            // -Dbench.keep keeps the home, to look into the store file afterwards (MVStoreTool -info)
            if (System.getProperty("bench.keep") == null)
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            else System.out.println("kept " + home);
        }
        System.exit(0);
    }

    /**
     * The warm-up's alerts resolve after their round, as problems do: a running router holds a few firing alerts
     * and many resolved ones. Left firing, they made 80,000 firing alerts that no production router has, and the
     * count of firing alerts behind the meters read all of them every second.
     */
    static void resolve(io.opsrouter.alert.AlertIntake direct, String prefix, int alerts) {
        List<Signal> batch = new ArrayList<>();
        for (int n = 0; n < alerts; n++) {
            batch.add(new Signal(
                    "bench",
                    "BenchAlert",
                    Map.of("alertname", "BenchAlert", "instance", prefix + n),
                    Map.of(),
                    Map.of(),
                    Signal.State.RESOLVED,
                    io.opsrouter.alert.Severity.P2,
                    Instant.now(),
                    null));
            if (batch.size() == 100 || n == alerts - 1) {
                direct.accept(List.copyOf(batch));
                batch.clear();
            }
        }
    }

    /**
     * Context switches of this process's threads so far (live threads only: /proc/self/task/N/status), 0 where there
     * is no /proc. Each one is a thread put to sleep or woken: unlike CPU time, the count does not depend on how
     * fast the machine runs that minute.
     */
    static long contextSwitches() {
        long n = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")
                                || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            n += Long.parseLong(
                                    line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return n;
    }

    /** Bytes this process handed to write calls so far (/proc/self/io wchar), 0 where there is no /proc. */
    static long written() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith("wchar:"))
                    return Long.parseLong(line.substring(6).trim());
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 0;
    }

    static void waitForEmptyOutbox(StateStore store, long maxMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + maxMs;
        while (depth(store) > 0 && System.currentTimeMillis() < deadline) Thread.sleep(20);
    }

    /** Sender threads live on between rounds, so that their context switches are still counted at a round's end. */
    private static final Map<Integer, java.util.concurrent.ExecutorService> SENDERS = new ConcurrentHashMap<>();

    /** Signal i is for alert i % alerts; sender k sends signals k, k + senders, ...; records each alert's first send. */
    static void push(
            ProducerTemplate producer,
            io.opsrouter.alert.AlertIntake direct,
            String prefix,
            int signals,
            int alerts,
            int batch,
            int senders,
            AtomicLongArray firstSignal)
            throws Exception {
        var pool = SENDERS.computeIfAbsent(senders, Executors::newFixedThreadPool);
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (int k = 0; k < senders; k++) {
            int sender = k;
            running.add(pool.submit(() -> {
                List<Signal> pending = new ArrayList<>();
                for (int i = sender; i < signals; i += senders) {
                    int n = i % alerts;
                    firstSignal.compareAndSet(n, 0, System.nanoTime());
                    Signal s = new Signal(
                            "bench",
                            "BenchAlert",
                            Map.of("alertname", "BenchAlert", "instance", prefix + n),
                            Map.of("summary", "bench alert " + prefix + n),
                            Map.of("value", (double) i),
                            Signal.State.FIRING,
                            io.opsrouter.alert.Severity.P2,
                            Instant.now(),
                            null);
                    if (batch <= 1) {
                        producer.sendBody(Signal.ENDPOINT, s);
                    } else {
                        pending.add(s);
                        if (pending.size() == batch || i + senders >= signals) {
                            direct.accept(List.copyOf(pending));
                            pending.clear();
                        }
                    }
                }
                return null;
            }));
        }
        for (var f : running) f.get();
    }

    /**
     * --profile=FILE: async-profiler over phase 1 only, collapsed stacks into FILE. Needs its jar on the boot class
     * path and its library: BENCH_JAVA_OPTS="-Xbootclasspath/a:async-profiler.jar -Dbench.profiler.lib=libasyncProfiler.so".
     */
    static final class Profiler {
        private final String file;
        private Object instance;

        Profiler(String file) {
            this.file = file;
        }

        void start() throws Exception {
            if (file == null) return;
            Class<?> c = Class.forName("one.profiler.AsyncProfiler");
            instance = c.getMethod("getInstance", String.class).invoke(null, System.getProperty("bench.profiler.lib"));
            String event = System.getProperty("bench.profiler.event", "itimer");
            String opts = "alloc".equals(event) ? "event=alloc,alloc=256k" : "event=" + event + ",interval=1ms";
            c.getMethod("execute", String.class).invoke(instance, "start," + opts + ",threads");
        }

        void stop() throws Exception {
            if (instance == null) return;
            instance.getClass()
                    .getMethod("execute", String.class)
                    .invoke(instance, "stop,collapsed,threads,file=" + file);
        }
    }

    static Notification stageNotification(int i) {
        AlertView v = new AlertView(
                "bench-" + i,
                "fp" + i,
                "firing",
                "P2",
                "BenchStage",
                "outbox-msg-" + i,
                null,
                Map.of("alertname", "BenchStage"),
                Map.of(),
                Map.of(),
                Instant.now(),
                Instant.now());
        return new Notification(
                "bench-stage-" + i + "-" + System.nanoTime(),
                io.opsrouter.outbox.ChannelName.SLACK,
                null,
                Notification.Kind.FIRING,
                "P2",
                "alertname=BenchStage,instance=outbox-msg-" + i,
                List.of(v),
                null);
    }

    static void waitForQuiet(Sink sink, StateStore store, Pattern p, int expected, long maxMs)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + maxMs;
        int lastSeen = -1;
        long lastChange = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            int seen = sink.firstArrivals(p).size();
            if (seen >= expected) return;
            if (seen != lastSeen) {
                lastSeen = seen;
                lastChange = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastChange > 3000 && depth(store) == 0 && unannounced(store) == 0) {
                return;
            }
            Thread.sleep(20);
        }
    }

    static Map<String, Long> counts(StateStore store, String sql) {
        return store.read(c -> {
            Map<String, Long> m = new java.util.TreeMap<>();
            try (var rs = c.createStatement().executeQuery(sql)) {
                while (rs.next()) m.put(rs.getString(1), rs.getLong(2));
            }
            return m;
        });
    }

    /** Firing alerts no message has gone out for yet (a group waiting for the sweep): not quiet yet. */
    static long unannounced(StateStore store) {
        return store.read(c -> {
            try (var rs = c.createStatement()
                    .executeQuery("SELECT COUNT(*) FROM alerts WHERE status = 'firing' AND notified_at IS NULL")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static long depth(StateStore store) {
        return store.read(c -> {
            try (var rs = c.createStatement()
                    .executeQuery("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static final class DepthSampler {
        private final StateStore store;
        private final List<Long> samples = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        DepthSampler(StateStore store) {
            this.store = store;
        }

        void start() {
            thread = new Thread(
                    () -> {
                        while (running.get()) {
                            samples.add(depth(store));
                            try {
                                Thread.sleep(50);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "depth-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        long median() {
            List<Long> s = samples.stream().sorted().toList();
            return s.isEmpty() ? 0 : s.get(s.size() / 2);
        }

        long max() {
            return samples.stream().mapToLong(Long::longValue).max().orElse(0);
        }
    }

    /** The Slack stand-in: notes when each alert (or message) first arrives, as requests come in. */
    static final class Sink implements AutoCloseable {
        private final HttpServer server;
        private final Map<Pattern, Map<Integer, Long>> first = new ConcurrentHashMap<>();
        private final Map<Pattern, java.util.concurrent.atomic.AtomicInteger> counts = new ConcurrentHashMap<>();

        Sink() throws IOException {
            for (Pattern p : List.of(E2E, STAGE, WARM)) {
                first.put(p, new ConcurrentHashMap<>());
                counts.put(p, new java.util.concurrent.atomic.AtomicInteger());
            }
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
            server.setExecutor(Executors.newFixedThreadPool(8));
            server.createContext("/", ex -> {
                long at = System.nanoTime();
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, ok.length);
                ex.getResponseBody().write(ok);
                ex.close();
                for (Pattern p : List.of(E2E, STAGE, WARM)) {
                    Matcher m = p.matcher(body);
                    boolean any = false;
                    while (m.find()) {
                        any = true;
                        first.get(p).merge(Integer.parseInt(m.group(1)), at, Math::min);
                    }
                    if (any) counts.get(p).incrementAndGet();
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void clear() {
            first.values().forEach(Map::clear);
            counts.values().forEach(c -> c.set(0));
        }

        int count(Pattern p) {
            return counts.get(p).get();
        }

        Map<Integer, Long> firstArrivals(Pattern p) {
            return first.get(p);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** One measured round of phase 1. */
    record Round(
            double rate,
            double p50,
            double p99,
            double max,
            long depthMedian,
            long depthMax,
            double cpuMicros,
            double bytes,
            double busy,
            double jit,
            double switches) {}

    /**
     * Pushes {@code signals} for {@code alerts} fresh alerts and waits until each alert's message reached the sink: the
     * rate counts from the first signal until every signal is stored and every message delivered.
     */
    static Round endToEnd(
            ProducerTemplate producer,
            io.opsrouter.alert.AlertIntake direct,
            StateStore store,
            Sink sink,
            String prefix,
            int signals,
            int alerts,
            int batch,
            int senders)
            throws Exception {
        AtomicLongArray firstSignal = new AtomicLongArray(alerts);
        DepthSampler depth = new DepthSampler(store);
        depth.start();
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        java.lang.management.CompilationMXBean compiler = java.lang.management.ManagementFactory.getCompilationMXBean();
        long jit0 = compiler.getTotalCompilationTime();
        long cpu0 = os.getProcessCpuTime();
        long io0 = written();
        long cs0 = contextSwitches();
        long t0 = System.nanoTime();
        push(producer, direct, prefix, signals, alerts, batch, senders, firstSignal);
        long tSignals = System.nanoTime();
        waitForQuiet(sink, store, E2E, alerts, 30_000);
        long cpu = os.getProcessCpuTime() - cpu0;
        long wrote = written() - io0;
        long switched = contextSwitches() - cs0;
        long tEnd = System.nanoTime();
        depth.stop();
        Map<Integer, Long> arrivals = sink.firstArrivals(E2E);
        if (arrivals.size() < alerts)
            throw new IllegalStateException(arrivals.size() + " of " + alerts + " alerts reached the Slack sink");
        long last = arrivals.values().stream().mapToLong(Long::longValue).max().orElse(t0);
        long done = Math.max(last, tSignals);
        List<Double> lat = new ArrayList<>();
        arrivals.forEach((n, at) -> {
            if (n < alerts && firstSignal.get(n) != 0) lat.add(ms(at - firstSignal.get(n)));
        });
        return new Round(
                signals / (ms(done - t0) / 1000),
                pct(lat, 50),
                pct(lat, 99),
                pct(lat, 100),
                depth.median(),
                depth.max(),
                cpu / 1000.0 / signals,
                (double) wrote / signals,
                100.0 * cpu / (tEnd - t0) / Runtime.getRuntime().availableProcessors(),
                100.0 * (compiler.getTotalCompilationTime() - jit0) / ms(tEnd - t0),
                (double) switched / signals);
    }

    static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> f) {
        double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
        return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    static double pct(List<Double> values, int p) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> s = values.stream().sorted().toList();
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }

    static Map<String, String> args(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (String s : args)
            if (s.startsWith("--") && s.contains("="))
                m.put(s.substring(2, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
        return m;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) return;
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
