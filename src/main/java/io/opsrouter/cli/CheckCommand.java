package io.opsrouter.cli;

import io.opsrouter.alert.Severity;
import io.opsrouter.app.Json;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.probe.Condition;
import io.opsrouter.probe.Monitor;
import io.opsrouter.probe.MonitorViews;
import io.opsrouter.probe.MonitorsFile;
import io.opsrouter.probe.ProbeResult;
import io.opsrouter.probe.ProbeRunner;
import io.opsrouter.probe.ProbeSettings;
import io.opsrouter.probe.TargetDb;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ops-router check}: runs every enabled monitor once, in parallel, and prints a table. Exit 0 when all pass,
 * 2 when a failing monitor has severity P1, else 1 when any fails (a failing monitor without a severity counts as
 * P2). A bad monitors file also exits 2.
 */
@Command(
        name = "check",
        description =
                "Run every enabled monitor once and print a table (exit 0 all pass, 1 a P2 failure, 2 a P1 failure).",
        mixinStandardHelpOptions = true)
public final class CheckCommand implements Callable<Integer> {
    public static final int OK = 0;
    public static final int P2 = 1;
    public static final int P1 = 2;

    @Mixin
    HomeOption home = new HomeOption();

    @Option(names = "--detailed", description = "Show every condition with what was seen.")
    boolean detailed;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(
            names = "--only",
            split = ",",
            paramLabel = "ID",
            description = "Run only these monitors (comma-separated ids).")
    List<String> only;

    private final Env env;
    private final PrintStream out;
    private final PrintStream err;

    public CheckCommand() {
        this(Env.system(), System.out, System.err);
    }

    public CheckCommand(Env env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (!json) return run();
        // the console appender writes to stdout: keep --json output parseable by silencing logs while it runs
        ch.qos.logback.classic.LoggerContext logs =
                (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        Map<ch.qos.logback.classic.Logger, ch.qos.logback.classic.Level> levels = new java.util.HashMap<>();
        for (ch.qos.logback.classic.Logger l : logs.getLoggerList()) {
            levels.put(l, l.getLevel());
            l.setLevel(ch.qos.logback.classic.Level.OFF);
        }
        try {
            return run();
        } finally {
            levels.forEach(ch.qos.logback.classic.Logger::setLevel);
        }
    }

    private int run() {
        Path h = home.resolve(env);
        List<Monitor> monitors;
        ProbeSettings settings;
        try {
            settings = ProbeSettings.from(SettingsSource.load(h, Map.of(), env));
            monitors = MonitorsFile.load(h, settings.file(), env);
            io.opsrouter.heartbeat.HeartbeatsFile.load(
                    h, settings.file(), env); // validated only: heartbeats are pushed, not run
        } catch (SettingsException e) {
            err.println("ops-router check: " + e.getMessage());
            return P1;
        }
        if (only != null && !only.isEmpty()) {
            List<String> known = monitors.stream().map(Monitor::id).toList();
            List<String> unknown =
                    only.stream().filter(id -> !known.contains(id)).toList();
            if (!unknown.isEmpty()) {
                err.println("ops-router check: no monitor named " + String.join(", ", unknown) + " in "
                        + settings.file() + " (known: " + String.join(", ", known) + ")");
                return P1;
            }
            monitors = monitors.stream().filter(m -> only.contains(m.id())).toList();
        }
        List<Monitor> enabled = monitors.stream().filter(Monitor::enabled).toList();
        TargetDb db = enabled.stream().anyMatch(m -> m.kind().usesTargetDb())
                ? TargetDb.fromEnv(env, settings.targetPoolSize())
                : null;
        Map<String, ProbeResult> results = new LinkedHashMap<>();
        try (ProbeRunner runner = new ProbeRunner(
                Math.max(4, Math.min(settings.workers(), enabled.size())),
                Clock.systemUTC(),
                db,
                settings.bodyLimitBytes())) {
            List<CompletableFuture<ProbeResult>> runs =
                    enabled.stream().map(runner::run).toList();
            for (CompletableFuture<ProbeResult> f : runs) {
                ProbeResult r = f.join();
                results.put(r.monitor().id(), r);
            }
        }
        int exit = exitCode(results.values());
        if (json) printJson(monitors, results, exit);
        else printTable(monitors, results);
        return exit;
    }

    static int exitCode(java.util.Collection<ProbeResult> results) {
        int exit = OK;
        for (ProbeResult r : results) {
            if (r.success()) continue;
            exit = Math.max(exit, r.monitor().severity() == Severity.P1 ? P1 : P2);
        }
        return exit;
    }

    private void printJson(List<Monitor> monitors, Map<String, ProbeResult> results, int exit) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Monitor m : monitors) {
            Map<String, Object> v = MonitorViews.monitor(m);
            ProbeResult r = results.get(m.id());
            v.put("status", status(m, r));
            v.put("result", r == null ? null : MonitorViews.result(r));
            list.add(v);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("exitCode", exit);
        body.put("monitors", list);
        out.println(Json.write(body));
    }

    private void printTable(List<Monitor> monitors, Map<String, ProbeResult> results) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"MONITOR", "STATUS", "LATENCY", "VALUE", "DETAIL"});
        for (Monitor m : monitors) {
            ProbeResult r = results.get(m.id());
            if (r == null) {
                rows.add(new String[] {m.id(), "disabled", "-", "-", m.disabledReason()});
            } else {
                rows.add(new String[] {
                    m.id(), status(m, r), Math.round(r.latency().toNanos() / 1e6) + "ms", value(r), r.detail()
                });
            }
        }
        int[] width = new int[4];
        for (String[] row : rows) for (int i = 0; i < 4; i++) width[i] = Math.max(width[i], row[i].length());
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 4; i++) sb.append(pad(row[i], width[i])).append("  ");
            sb.append(row[4]);
            out.println(sb.toString().stripTrailing());
            ProbeResult r = results.get(row[0]);
            if (detailed && r != null && row != rows.get(0)) {
                for (Condition.Outcome o : r.outcomes()) {
                    out.println(
                            "    " + (o.passed() ? "pass " : "FAIL ") + o.condition() + "  (got " + o.actual() + ")");
                }
                if (r.outcomes().isEmpty())
                    out.println("    " + (r.success() ? "pass " : "FAIL ") + "answered  (" + r.detail() + ")");
            }
        }
    }

    private static String status(Monitor m, ProbeResult r) {
        if (r == null) return "disabled";
        if (r.success()) return "ok";
        return "FAIL " + (m.severity() == null ? "P2" : m.severity().name());
    }

    private static String value(ProbeResult r) {
        if (r.observation().statusCode() != null)
            return Integer.toString(r.observation().statusCode());
        if (r.observation().values().isEmpty()) return "-";
        String v = r.observation().values().entrySet().stream()
                .map(e -> e.getKey() + "=" + format(e.getValue()))
                .collect(Collectors.joining(", "));
        return v.length() <= 48 ? v : v.substring(0, 45) + "...";
    }

    private static String format(Double d) {
        if (d == null || d.isNaN()) return "null";
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString(d.longValue());
        return String.format(Locale.ROOT, "%.3f", d);
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }
}
