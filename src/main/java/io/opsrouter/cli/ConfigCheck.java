package io.opsrouter.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.opsrouter.alert.AlertRules;
import io.opsrouter.alert.EscalationPolicies;
import io.opsrouter.backup.BackupSettings;
import io.opsrouter.budget.PageBudget;
import io.opsrouter.budget.PageBudgetSettings;
import io.opsrouter.config.ConfigReload;
import io.opsrouter.config.CoreSettings;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.heartbeat.Heartbeat;
import io.opsrouter.heartbeat.HeartbeatSettings;
import io.opsrouter.heartbeat.HeartbeatsFile;
import io.opsrouter.ingest.IngestSettings;
import io.opsrouter.notify.ChannelSetup;
import io.opsrouter.notify.Channels;
import io.opsrouter.notify.DispatchSettings;
import io.opsrouter.notify.MessageTemplates;
import io.opsrouter.notify.channel.HttpPost;
import io.opsrouter.probe.Monitor;
import io.opsrouter.probe.MonitorsFile;
import io.opsrouter.probe.ProbeSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Validates every file the router reads, with the same loaders start-up uses, without opening the store or starting
 * Camel. Each file (and each settings group) is checked on its own, so one run reports every file's error; it also
 * warns about what loads but is probably wrong.
 */
final class ConfigCheck {
    /** One line of the report: an error, a warning, or (with {@code --detailed}) information. */
    record Finding(boolean error, String message, boolean info) {
        Finding(boolean error, String message) {
            this(error, message, false);
        }

        boolean warning() {
            return !error && !info;
        }

        @Override
        public String toString() {
            return (error ? "error:   " : info ? "info:    " : "warning: ") + message;
        }
    }

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1", "0.0.0.0");

    private final Path home;
    private final Env env;
    private final List<Finding> findings = new ArrayList<>();

    ConfigCheck(Path home, Env env) {
        this.home = home;
        this.env = env;
    }

    List<Finding> run() {
        SettingsSource s = attempt(() -> SettingsSource.load(home, Map.of(), env));
        if (s == null) return findings;
        CoreSettings core = attempt(() -> CoreSettings.from(s));
        ProbeSettings probes = attempt(() -> ProbeSettings.from(s));
        HeartbeatSettings beats = attempt(() -> HeartbeatSettings.from(s));
        DispatchSettings dispatch = attempt(() -> DispatchSettings.from(s));
        attempt(() -> IngestSettings.from(s));
        attempt(() -> ConfigReload.interval(s));
        if (core != null && dispatch != null) {
            attempt(() -> Channels.configure(
                    new ChannelSetup(s, core, dispatch, new HttpPost(dispatch.sendTimeout()), Clock.systemUTC())));
        }
        if (core != null) publicUrl(s, core);

        List<Monitor> monitors =
                probes == null ? null : everyItem(probes.file(), h -> MonitorsFile.load(h, probes.file(), env));
        List<Heartbeat> heartbeats = beats == null ? null : attempt(() -> HeartbeatsFile.load(home, beats.file(), env));
        AlertRules rules = required(
                AlertRules.FILE,
                () -> everyItem(AlertRules.FILE, h -> AlertRules.load(h.resolve(AlertRules.FILE), env)));
        java.util.function.Function<io.opsrouter.alert.Severity, Duration> repeat =
                rules == null ? sev -> Duration.ofHours(4) : rules.grouping()::repeatInterval;
        EscalationPolicies policies = required(
                EscalationPolicies.FILE,
                () -> EscalationPolicies.load(home.resolve(EscalationPolicies.FILE), env, repeat));
        attempt(() -> MessageTemplates.load(home));
        // with a refused core setting, the default folders are checked so the other files are still reported
        attempt(() -> BackupSettings.load(home, core == null ? home.resolve("data") : core.dataDir()));
        routes(core == null ? home.resolve("routes") : core.routesDir());
        if (rules != null && monitors != null && heartbeats != null) {
            unknownMonitors(rules, monitors, heartbeats);
            rulesNoMonitorMatches(rules, monitors, heartbeats);
        }
        if (policies != null) unreachablePeople(policies);
        if (rules != null && monitors != null) pageBudget(s, monitors, rules);
        return findings;
    }

    private <T> T attempt(Supplier<T> load) {
        try {
            return load.get();
        } catch (SettingsException e) {
            add(true, e.getMessage());
            return null;
        }
    }

    private static final java.util.regex.Pattern AT_LINE = java.util.regex.Pattern.compile("^[^:]+:(\\d+): ");
    private static final java.util.regex.Pattern TOP_KEY = java.util.regex.Pattern.compile("^[A-Za-z_][^:#]*:");
    private static final java.util.regex.Pattern ITEM = java.util.regex.Pattern.compile("^(\\s*)- ");

    /**
     * Loads {@code file} (relative to the home) with {@code load}, given a home folder; when it is refused at a line
     * inside one item of a top-level list (a rule, a monitor), loads it again without that item, its lines turned into
     * comments so that the other lines keep their numbers, and so on: every item's first error is reported, not only
     * the file's first. Returns what the untouched file loads to, or null.
     */
    private <T> T everyItem(String file, java.util.function.Function<Path, T> load) {
        try {
            return load.apply(home);
        } catch (SettingsException first) {
            add(true, first.getMessage());
            Path scratch = null;
            try {
                List<String> original = Files.readAllLines(home.resolve(file));
                List<String> lines = new ArrayList<>(original);
                // original item indices taken out, per top-level list: a later message's rules[3] is renumbered
                Map<String, java.util.TreeSet<Integer>> removed = new java.util.HashMap<>();
                scratch = Files.createTempDirectory("config-check");
                Path copy = scratch.resolve(file);
                Files.createDirectories(copy.getParent());
                String last = first.getMessage();
                for (int round = 0; round < 100; round++) {
                    Item item = itemOf(original, last, removed);
                    if (item == null
                            || !removed.computeIfAbsent(item.list(), k -> new java.util.TreeSet<>())
                                    .add(item.index())) break;
                    for (int i = item.first(); i < item.end(); i++) lines.set(i, "#");
                    Files.write(copy, lines);
                    try {
                        load.apply(scratch);
                        break;
                    } catch (SettingsException next) {
                        if (next.getMessage().equals(last)) break;
                        last = next.getMessage();
                        add(true, renumber(last, removed));
                    }
                }
            } catch (IOException e) {
                // the first error is reported; the file could not be read again for the others
            } finally {
                if (scratch != null) deleteTree(scratch);
            }
            return null;
        }
    }

    /** One item of a top-level block list: the list's key, its index there, its lines [first, end). */
    record Item(String list, int index, int first, int end) {}

    private static final java.util.regex.Pattern KEY_INDEX =
            java.util.regex.Pattern.compile("^[^:]+(?::\\d+)?: ([A-Za-z_]+)\\[(\\d+)\\]");

    /** The item a message is about: by its line, or by a key such as rules[3] (an index of the scratch copy). */
    static Item itemOf(List<String> lines, String message, Map<String, java.util.TreeSet<Integer>> removed) {
        int line = lineOf(message);
        if (line > 0) return itemAround(lines, line - 1);
        java.util.regex.Matcher m = KEY_INDEX.matcher(message);
        if (!m.find()) return null;
        String list = m.group(1);
        int index = original(Integer.parseInt(m.group(2)), removed.get(list));
        for (int key = 0; key < lines.size(); key++) {
            if (!lines.get(key).startsWith(list + ":")) continue;
            List<int[]> items = items(lines, key);
            return index < items.size() ? new Item(list, index, items.get(index)[0], items.get(index)[1]) : null;
        }
        return null;
    }

    /** The index in the untouched file of the {@code k}-th item left in the scratch copy. */
    private static int original(int k, java.util.TreeSet<Integer> removed) {
        if (removed == null) return k;
        int i = -1;
        for (int left = -1; left < k; ) {
            i++;
            if (!removed.contains(i)) left++;
        }
        return i;
    }

    /** A message about the scratch copy, with its list index as in the untouched file. */
    static String renumber(String message, Map<String, java.util.TreeSet<Integer>> removed) {
        java.util.regex.Matcher m = KEY_INDEX.matcher(message);
        if (!m.find() || !removed.containsKey(m.group(1))) return message;
        int k = original(Integer.parseInt(m.group(2)), removed.get(m.group(1)));
        return message.substring(0, m.start(2)) + k + message.substring(m.end(2));
    }

    private static int lineOf(String message) {
        java.util.regex.Matcher m = AT_LINE.matcher(message);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** The item of a top-level block list that holds line {@code at} (0-based), or null. */
    static Item itemAround(List<String> lines, int at) {
        if (at < 0 || at >= lines.size()) return null;
        int key = at;
        while (key >= 0 && !TOP_KEY.matcher(lines.get(key)).find()) key--;
        if (key < 0 || key == at) return null;
        List<int[]> items = items(lines, key);
        for (int i = 0; i < items.size(); i++) {
            if (at >= items.get(i)[0] && at < items.get(i)[1]) {
                String list =
                        lines.get(key).substring(0, lines.get(key).indexOf(':')).strip();
                return new Item(list, i, items.get(i)[0], items.get(i)[1]);
            }
        }
        return null;
    }

    /** [first, end) of each item of the block list under the top-level key on line {@code key}. */
    private static List<int[]> items(List<String> lines, int key) {
        int end = key + 1;
        while (end < lines.size() && !TOP_KEY.matcher(lines.get(end)).find()) end++;
        int indent = Integer.MAX_VALUE;
        for (int i = key + 1; i < end; i++) {
            java.util.regex.Matcher m = ITEM.matcher(lines.get(i));
            if (m.find()) indent = Math.min(indent, m.group(1).length());
        }
        List<int[]> items = new ArrayList<>();
        if (indent == Integer.MAX_VALUE) return items;
        for (int i = key + 1; i < end; i++) {
            java.util.regex.Matcher m = ITEM.matcher(lines.get(i));
            if (m.find() && m.group(1).length() == indent) {
                if (!items.isEmpty()) items.get(items.size() - 1)[1] = i;
                items.add(new int[] {i, end});
            }
        }
        return items;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a temporary folder left behind
        }
    }

    private <T> T required(String file, Supplier<T> load) {
        if (!Files.isRegularFile(home.resolve(file))) {
            add(
                    true,
                    new SettingsException(file, null, "is missing", "restore it from the release (see docs/alerts.md)")
                            .getMessage());
            return null;
        }
        return attempt(load);
    }

    private void add(boolean error, String message) {
        Finding f = new Finding(error, message);
        if (!findings.contains(f)) findings.add(f);
    }

    private void publicUrl(SettingsSource s, CoreSettings core) {
        String host = URI.create(core.publicUrl()).getHost();
        if (host != null && LOOPBACK.contains(host.toLowerCase())) {
            String where = "environment".equals(s.origin(CoreSettings.PUBLIC_URL, "ROUTER_PUBLIC_URL"))
                    ? "environment: ROUTER_PUBLIC_URL"
                    : SettingsSource.FILE + ": " + CoreSettings.PUBLIC_URL;
            add(
                    false,
                    where + ": acknowledge links point at " + core.publicUrl() + ", which the people paged cannot open"
                            + " (fix: set ROUTER_PUBLIC_URL to the address people reach the router at)");
        }
    }

    /** The routes are read by Camel at start-up; here each file must at least be YAML holding a list. */
    private void routes(Path dir) {
        if (!Files.isDirectory(dir)) {
            add(
                    true,
                    "environment: ROUTER_ROUTES_DIR: the routes folder " + dir
                            + " does not exist (fix: point it at the routes/ folder)");
            return;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            add(true, dir + ": cannot be read: " + e.getMessage() + " (fix: check the folder's permissions)");
            return;
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        for (Path p : files) {
            String name = home.toAbsolutePath()
                    .normalize()
                    .relativize(p.toAbsolutePath().normalize())
                    .toString();
            try {
                JsonNode root = yaml.readTree(p.toFile());
                if (root != null && !root.isMissingNode() && !root.isArray()) {
                    add(
                            true,
                            name
                                    + ": is not a list of routes (fix: start each route with '- route:', see the shipped routes/*.yaml)");
                }
            } catch (JsonProcessingException e) {
                String line = e.getLocation() == null || e.getLocation().getLineNr() <= 0
                        ? ""
                        : ":" + e.getLocation().getLineNr();
                add(
                        true,
                        name + line + ": is not valid YAML: "
                                + e.getOriginalMessage().strip().split("\\R")[0] + " (fix: fix the YAML syntax)");
            } catch (IOException e) {
                add(true, name + ": cannot be read: " + e.getMessage() + " (fix: check the file is readable)");
            }
        }
    }

    /** A rule that matches {@code monitor: X} where no monitor or heartbeat is called X never fires. */
    private void unknownMonitors(AlertRules rules, List<Monitor> monitors, List<Heartbeat> heartbeats) {
        Set<String> ids = new LinkedHashSet<>();
        monitors.forEach(m -> ids.add(m.id()));
        heartbeats.forEach(h -> ids.add(h.id()));
        for (AlertRules.Rule r : rules.rules()) {
            String monitor = r.matcher().equal().get("monitor");
            if (monitor != null && !ids.contains(monitor)) {
                add(
                        false,
                        AlertRules.FILE + ": rule '" + r.name() + "': matches monitor '" + monitor
                                + "', which no monitor or heartbeat is called (fix: use one of "
                                + String.join(", ", ids) + ")");
            }
        }
    }

    /** Each P1's worst-case time to the phone as information, and a warning for one later than its promise. */
    private void pageBudget(SettingsSource s, List<Monitor> monitors, AlertRules rules) {
        PageBudgetSettings settings = attempt(() -> PageBudgetSettings.from(s));
        if (settings == null) return;
        for (PageBudget.Line l : PageBudget.of(monitors, rules, settings, java.time.Instant.now())) {
            findings.add(new Finding(false, l.info(), true));
            if (l.overPromise()) add(false, l.warning());
        }
    }

    /**
     * A rule meant for the probes ({@code source: probe}, or a probe {@code kind}) whose equality matchers no monitor's
     * labels satisfy never fires. Only labels the monitors are known to send are judged (source, kind, monitor and the
     * monitors' own labels); a rule naming any other label may be meant for Alertmanager's alerts and is left alone.
     */
    private void rulesNoMonitorMatches(AlertRules rules, List<Monitor> monitors, List<Heartbeat> heartbeats) {
        Set<String> kinds = new LinkedHashSet<>();
        for (io.opsrouter.probe.Kind k : io.opsrouter.probe.Kind.values()) kinds.add(k.label());
        Set<String> monitorLabels = new LinkedHashSet<>(List.of("source", "kind", "monitor"));
        monitors.forEach(m -> monitorLabels.addAll(m.labels().keySet()));
        for (AlertRules.Rule r : rules.rules()) {
            Map<String, String> eq = r.matcher().equal();
            if (eq.containsKey("monitor")) continue; // unknownMonitors judges those
            boolean forProbes = "probe".equals(eq.get("source")) || kinds.contains(eq.get("kind"));
            if (!forProbes || !monitorLabels.containsAll(eq.keySet())) continue;
            if (!heartbeats.isEmpty() && !kinds.contains(eq.get("kind"))) continue; // heartbeats' labels differ
            boolean any = monitors.stream()
                    .anyMatch(m -> eq.entrySet().stream().allMatch(e -> switch (e.getKey()) {
                        case "source" -> e.getValue().equals("probe");
                        case "kind" -> e.getValue().equals(m.kind().label());
                        default -> e.getValue().equals(m.labels().get(e.getKey()));
                    }));
            if (!any) {
                add(
                        false,
                        AlertRules.FILE + ": rule '" + r.name() + "': matches " + new java.util.TreeMap<>(eq)
                                + ", which no monitor of " + "config/monitors.yaml sends: the rule never fires (fix:"
                                + " correct the match, or add the monitor)");
            }
        }
    }

    private void unreachablePeople(EscalationPolicies policies) {
        for (EscalationPolicies.Person p : policies.people().values().stream()
                .sorted(java.util.Comparator.comparing(EscalationPolicies.Person::id))
                .toList()) {
            List<String> missing = new ArrayList<>();
            if (p.phone() == null) missing.add("phone");
            if (p.email() == null) missing.add("email");
            if (missing.isEmpty()) continue;
            add(
                    false,
                    EscalationPolicies.FILE + ": people." + p.id() + ": has no " + String.join(" and no ", missing)
                            + ": sms and e-mail to " + p.name() + " are not delivered (fix: set "
                            + String.join(" and ", missing)
                            + ", or the environment variable the file reads it from)");
        }
    }
}
