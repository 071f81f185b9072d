package io.opsrouter.heartbeat;

import io.opsrouter.alert.Severity;
import io.opsrouter.config.Durations;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import io.opsrouter.probe.YamlNodes;
import java.io.Reader;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads the {@code kind: heartbeat} items of {@code config/monitors.yaml} (the probe module skips them). Every
 * error names the file, the line, the heartbeat and the reason, as {@link io.opsrouter.probe.MonitorsFile} does.
 * The key is written {@code key: ${NAME}}: a heartbeat whose variable is unset is disabled; a key that is short
 * or used twice is refused (without showing it).
 */
public final class HeartbeatsFile {
    public static final String KIND = "heartbeat";
    public static final int MIN_KEY_LENGTH = 20;
    public static final Duration DEFAULT_GRACE = Duration.ofHours(1);

    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> RESERVED_LABELS = Set.of("monitor", "kind", "heartbeat", "alertname");
    private static final Set<String> KEYS = Set.of(
            "id",
            "kind",
            "enabled",
            "description",
            "key",
            "period",
            "cron",
            "timezone",
            "grace",
            "labels",
            "severity",
            "runbook");

    private final String file;
    private final Env env;

    private HeartbeatsFile(String file, Env env) {
        this.file = file;
        this.env = env;
    }

    public static List<Heartbeat> load(Path home, String relative, Env env) {
        return YamlNodes.load(home, relative, (file, reader) -> parse(file, reader, env));
    }

    public static List<Heartbeat> parse(String file, Reader reader, Env env) {
        Node root = YamlNodes.compose(file, reader);
        if (root == null) return List.of();
        return new HeartbeatsFile(file, env).read(root);
    }

    private List<Heartbeat> read(Node root) {
        Map<String, Node> top = YamlNodes.mapping(root);
        if (top == null || YamlNodes.sequence(top.get("monitors")) == null) return List.of();
        List<Heartbeat> out = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (Node item : YamlNodes.sequence(top.get("monitors"))) {
            Map<String, Node> m = YamlNodes.mapping(item);
            if (m == null || !KIND.equals(YamlNodes.scalar(m.get("kind")))) continue;
            Heartbeat h = readHeartbeat(item, m);
            if (h.enabled() && !keys.add(h.key())) {
                throw error(
                        m.get("key"),
                        h.id(),
                        "the key is used by another heartbeat",
                        "give each heartbeat its own key");
            }
            out.add(h);
        }
        return out;
    }

    private Heartbeat readHeartbeat(Node node, Map<String, Node> m) {
        String id = YamlNodes.scalar(m.get("id"));
        if (id == null) throw error(node, null, "a heartbeat has no id", "give it an id such as backup-script");
        for (Map.Entry<String, Node> e : m.entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                throw error(
                        e.getValue(),
                        id,
                        "unknown key " + e.getKey() + " for a heartbeat monitor",
                        "keys for heartbeat monitors: " + KEYS);
            }
        }
        Set<String> missing = new java.util.LinkedHashSet<>();
        String key = fill(YamlNodes.scalar(m.get("key")), missing);
        if (key == null)
            throw error(
                    node, id, "has no key", "write key: ${SOME_HEARTBEAT_KEY} and set that variable to a random value");
        if (missing.isEmpty()) {
            if (key.length() < MIN_KEY_LENGTH || !KEY.matcher(key).matches()) {
                throw error(
                        m.get("key"),
                        id,
                        "the key is shorter than " + MIN_KEY_LENGTH
                                + " characters or holds characters other than letters, digits, '-' and '_': it could be guessed",
                        "generate one with: openssl rand -hex 16");
            }
        }
        Schedule schedule = schedule(node, m, id);
        Duration grace = m.containsKey("grace") ? duration(m.get("grace"), id, "grace") : DEFAULT_GRACE;
        Severity severity = null;
        if (m.containsKey("severity")) {
            try {
                severity = Severity.parse(YamlNodes.scalar(m.get("severity")));
            } catch (IllegalArgumentException e) {
                throw error(
                        m.get("severity"),
                        id,
                        e.getMessage(),
                        "use P1, P2 or P3, or leave it out to let the alert rules decide");
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.containsKey("labels")) {
            Map<String, Node> l = YamlNodes.mapping(m.get("labels"));
            if (l == null)
                throw error(m.get("labels"), id, "labels is not a mapping", "write it as {service: backups}");
            for (Map.Entry<String, Node> e : l.entrySet()) {
                String v = YamlNodes.scalar(e.getValue());
                if (!LABEL.matcher(e.getKey()).matches() || RESERVED_LABELS.contains(e.getKey()) || v == null) {
                    throw error(
                            e.getValue(),
                            id,
                            "label '" + e.getKey() + "' cannot be used",
                            "use letters, digits and _, not one of " + RESERVED_LABELS + ", with a text value");
                }
                labels.put(e.getKey(), v);
            }
        }
        String enabledText = YamlNodes.scalar(m.get("enabled"));
        String disabled = "false".equals(enabledText)
                ? "enabled: false in " + file
                : missing.isEmpty() ? null : "set " + String.join(" and ", missing) + " to enable";
        return new Heartbeat(
                id,
                disabled == null ? key : null,
                schedule,
                grace,
                labels,
                severity,
                YamlNodes.scalar(m.get("runbook")),
                disabled);
    }

    private Schedule schedule(Node node, Map<String, Node> m, String id) {
        String cron = YamlNodes.scalar(m.get("cron"));
        if (cron != null && m.containsKey("period"))
            throw error(m.get("cron"), id, "has both period and cron", "keep one of them");
        if (cron == null) {
            if (!m.containsKey("period"))
                throw error(node, id, "has neither period nor cron", "write period: 1d, or cron: \"0 0 2 * * ?\"");
            if (m.containsKey("timezone"))
                throw error(m.get("timezone"), id, "timezone is only for a cron schedule", "remove it");
            Duration period = duration(m.get("period"), id, "period");
            if (period.isZero()) throw error(m.get("period"), id, "period is zero", "write e.g. 1d");
            return new Schedule.Period(period);
        }
        ZoneId zone = ZoneOffset.UTC;
        String zoneText = YamlNodes.scalar(m.get("timezone"));
        if (zoneText != null) {
            try {
                zone = ZoneId.of(zoneText);
            } catch (DateTimeException e) {
                throw error(
                        m.get("timezone"),
                        id,
                        "unknown timezone '" + zoneText + "'",
                        "write a region such as America/Toronto, or UTC");
            }
        }
        try {
            return new Schedule.Cron(cron, zone);
        } catch (IllegalArgumentException e) {
            throw error(
                    m.get("cron"),
                    id,
                    "bad cron '" + cron + "': " + e.getMessage(),
                    "write a Quartz cron with seconds first, e.g. \"0 0 2 * * ?\"");
        }
    }

    private String fill(String text, Set<String> missing) {
        if (text == null) return null;
        Matcher v = VAR.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (v.find()) {
            String value = env.get(v.group(1)).orElse(v.group(2));
            if (value == null) {
                missing.add(v.group(1));
                value = "";
            }
            v.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        v.appendTail(sb);
        return sb.toString();
    }

    private Duration duration(Node n, String id, String key) {
        try {
            return Durations.parse(YamlNodes.scalar(n));
        } catch (IllegalArgumentException e) {
            throw error(n, id, key + ": " + e.getMessage(), "write a duration such as 30m, 1h or 1d");
        }
    }

    private SettingsException error(Node n, String id, String problem, String fix) {
        int line = n == null ? 0 : YamlNodes.line(n);
        return new SettingsException(
                line > 0 ? file + ":" + line : file, id == null ? null : "heartbeat " + id, problem, fix);
    }
}
