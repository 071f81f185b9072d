package io.opsrouter.probe;

import io.opsrouter.alert.Severity;
import io.opsrouter.config.Durations;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quartz.CronExpression;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Loads and validates {@code config/monitors.yaml}. Every error names the file, the line, the monitor and the
 * reason; nothing half-valid is accepted. {@code ${NAME}} and {@code ${NAME:-default}} in url, headers, body,
 * basicAuth, host and port are read from the environment; a monitor whose variables are unset is kept but
 * disabled, with the reason naming the variables that enable it.
 */
public final class MonitorsFile {
    public static final String DEFAULT_FILE = "config/monitors.yaml";
    /** Monitors of this kind are pushed to, not polled: the heartbeat module reads them. */
    public static final String HEARTBEAT_KIND = "heartbeat";

    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> RESERVED_LABELS =
            Set.of("monitor", "kind", "value", "alertname", "quantile", "le");
    private static final Set<String> TOP = Set.of("defaults", "monitors");
    private static final Set<String> DEFAULT_KEYS =
            Set.of("interval", "retryInterval", "timeout", "failureThreshold", "successThreshold", "for");
    private static final Set<String> COMMON = Set.of(
            "id",
            "kind",
            "enabled",
            "description",
            "interval",
            "retryInterval",
            "cron",
            "timeout",
            "labels",
            "conditions",
            "failureThreshold",
            "successThreshold",
            "for",
            "severity",
            "runbook");
    private static final Map<Kind, Set<String>> KIND_KEYS = Map.of(
            Kind.HTTP, Set.of("url", "method", "headers", "body", "followRedirects", "basicAuth"),
            Kind.TLS, Set.of("host", "port"),
            Kind.TCP, Set.of("host", "port"),
            Kind.SQL, Set.of("query"),
            Kind.PG, Set.of());
    private static final Set<String> RESTRICTED_HEADERS =
            Set.of("connection", "content-length", "expect", "host", "upgrade");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "OPTIONS", "PATCH", "DELETE");

    private final String file;
    private final Env env;
    private Duration defInterval = Duration.ofSeconds(60);
    private Duration defTimeout = Duration.ofSeconds(10);
    private Duration defRetry = Duration.ofSeconds(10);
    private int defFailures = 3;
    private int defSuccesses = 2;
    private Duration defFor = Duration.ZERO;

    private MonitorsFile(String file, Env env) {
        this.file = file;
        this.env = env;
    }

    /** Reads {@code relative} under {@code home}. A missing file means no monitors. */
    public static List<Monitor> load(Path home, String relative, Env env) {
        return YamlNodes.load(home, relative, (file, reader) -> parse(file, reader, env));
    }

    public static List<Monitor> parse(String file, Reader reader, Env env) {
        Node root = YamlNodes.compose(file, reader);
        if (root == null) return List.of();
        return new MonitorsFile(file, env).read(root);
    }

    private List<Monitor> read(Node root) {
        Map<String, Node> top = mapping(root, null, "the file");
        for (String k : top.keySet()) {
            if (!TOP.contains(k)) throw error(root, null, "unknown key " + k, "the file holds defaults: and monitors:");
        }
        if (top.containsKey("defaults")) readDefaults(top.get("defaults"));
        Node list = top.get("monitors");
        if (list == null) return List.of();
        List<Node> items = YamlNodes.sequence(list);
        if (items == null)
            throw error(list, null, "monitors is not a list", "write each monitor as a list item: - id: ...");
        List<Monitor> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (Node item : items) {
            if (isHeartbeat(item)) {
                // kind: heartbeat is read by io.opsrouter.heartbeat.HeartbeatsFile; its id still counts here
                String id = YamlNodes.scalar(YamlNodes.mapping(item).get("id"));
                if (id != null && !ids.add(id))
                    throw error(item, id, "the id is used twice", "give each monitor its own id");
                index++;
                continue;
            }
            Monitor m = readMonitor(item, index++);
            if (!ids.add(m.id())) throw error(item, m.id(), "the id is used twice", "give each monitor its own id");
            out.add(m);
        }
        return out;
    }

    private static boolean isHeartbeat(Node item) {
        try {
            Map<String, Node> m = YamlNodes.mapping(item);
            return m != null && HEARTBEAT_KIND.equals(YamlNodes.scalar(m.get("kind")));
        } catch (IllegalArgumentException e) {
            return false; // a repeated key: readMonitor reports it with the line
        }
    }

    private void readDefaults(Node n) {
        Map<String, Node> d = mapping(n, null, "defaults");
        for (String k : d.keySet()) {
            if (!DEFAULT_KEYS.contains(k))
                throw error(d.get(k), null, "unknown key defaults." + k, "defaults hold " + DEFAULT_KEYS);
        }
        if (d.containsKey("interval")) defInterval = duration(d.get("interval"), null, "defaults.interval");
        if (d.containsKey("timeout")) defTimeout = duration(d.get("timeout"), null, "defaults.timeout");
        if (d.containsKey("retryInterval")) {
            defRetry = duration(d.get("retryInterval"), null, "defaults.retryInterval");
            if (defRetry.isZero())
                throw error(d.get("retryInterval"), null, "defaults.retryInterval is zero", "use e.g. 10s");
        }
        if (d.containsKey("failureThreshold"))
            defFailures = count(d.get("failureThreshold"), null, "defaults.failureThreshold");
        if (d.containsKey("successThreshold"))
            defSuccesses = count(d.get("successThreshold"), null, "defaults.successThreshold");
        if (d.containsKey("for")) defFor = duration(d.get("for"), null, "defaults.for");
    }

    private Monitor readMonitor(Node node, int index) {
        Map<String, Node> m = mapping(node, null, "monitors[" + index + "]");
        String id = YamlNodes.scalar(m.get("id"));
        if (id == null) throw error(node, "monitors[" + index + "]", "has no id", "give it an id such as frontend");
        if (!ID.matcher(id).matches()) {
            throw error(
                    node,
                    id,
                    "the id is not lower-case letters, digits, '.', '_' or '-'",
                    "rename it, e.g. supabase-rest");
        }
        String kindText = YamlNodes.scalar(m.get("kind"));
        Kind kind = Kind.parse(kindText);
        if (kind == null) {
            throw error(
                    m.getOrDefault("kind", node),
                    id,
                    kindText == null ? "has no kind" : "unknown kind '" + kindText + "'",
                    "use one of http, tls, tcp, sql, pg, heartbeat");
        }
        for (Map.Entry<String, Node> e : m.entrySet()) {
            if (!COMMON.contains(e.getKey()) && !KIND_KEYS.get(kind).contains(e.getKey())) {
                throw error(
                        e.getValue(),
                        id,
                        "unknown key " + e.getKey() + " for a " + kind.label() + " monitor",
                        "keys for " + kind.label() + " monitors: " + KIND_KEYS.get(kind) + " besides the common ones");
            }
        }
        Set<String> missing = new LinkedHashSet<>();

        Duration interval = null;
        String cron = YamlNodes.scalar(m.get("cron"));
        if (cron != null) {
            if (m.containsKey("interval"))
                throw error(m.get("cron"), id, "has both interval and cron", "keep one of them");
            try {
                new CronExpression(cron);
            } catch (java.text.ParseException | RuntimeException e) {
                throw error(
                        m.get("cron"),
                        id,
                        "bad cron '" + cron + "': " + e.getMessage(),
                        "write a Quartz cron with seconds first, e.g. \"0 */5 * * * ?\"");
            }
        } else {
            interval = m.containsKey("interval") ? duration(m.get("interval"), id, "interval") : defInterval;
            if (interval.isZero()) throw error(m.get("interval"), id, "interval is zero", "use e.g. 30s");
        }
        Duration retry = retryInterval(m, id, interval);
        Duration timeout = m.containsKey("timeout") ? duration(m.get("timeout"), id, "timeout") : defTimeout;
        if (timeout.isZero()) throw error(m.get("timeout"), id, "timeout is zero", "use e.g. 10s");
        int failures = m.containsKey("failureThreshold")
                ? count(m.get("failureThreshold"), id, "failureThreshold")
                : defFailures;
        int successes = m.containsKey("successThreshold")
                ? count(m.get("successThreshold"), id, "successThreshold")
                : defSuccesses;
        Duration forDuration = m.containsKey("for") ? duration(m.get("for"), id, "for") : defFor;

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
            Map<String, Node> l = mapping(m.get("labels"), id, "labels");
            for (Map.Entry<String, Node> e : l.entrySet()) {
                if (!LABEL.matcher(e.getKey()).matches() || RESERVED_LABELS.contains(e.getKey())) {
                    throw error(
                            e.getValue(),
                            id,
                            "label name '" + e.getKey() + "' cannot be used",
                            "use letters, digits and _, not one of " + RESERVED_LABELS);
                }
                String v = YamlNodes.scalar(e.getValue());
                if (v == null)
                    throw error(e.getValue(), id, "label " + e.getKey() + " has no value", "give it a text value");
                labels.put(e.getKey(), v);
            }
        }
        List<Condition> conditions = new ArrayList<>();
        if (m.containsKey("conditions")) {
            List<Node> cs = YamlNodes.sequence(m.get("conditions"));
            if (cs == null)
                throw error(m.get("conditions"), id, "conditions is not a list", "write each as - status == 200");
            for (Node c : cs) {
                try {
                    conditions.add(Condition.parse(YamlNodes.scalar(c), kind));
                } catch (IllegalArgumentException e) {
                    throw error(c, id, "bad condition " + e.getMessage(), "see docs/probes.md for the condition forms");
                }
            }
        }

        Monitor.Http http = null;
        Monitor.Endpoint endpoint = null;
        String query = null;
        switch (kind) {
            case HTTP -> http = readHttp(m, node, id, missing);
            case TLS, TCP -> endpoint = readEndpoint(m, node, id, kind, missing);
            case SQL -> {
                query = YamlNodes.scalar(m.get("query"));
                if (query == null || query.isBlank())
                    throw error(node, id, "has no query", "write the SQL under query: |");
            }
            case PG -> {}
        }
        if (kind.usesTargetDb() && !env.isSet(TargetDb.URL_ENV)) missing.add(TargetDb.URL_ENV);

        String disabled = null;
        String enabledText = YamlNodes.scalar(m.get("enabled"));
        if (enabledText != null && !enabledText.equals("true") && !enabledText.equals("false")) {
            throw error(m.get("enabled"), id, "enabled is '" + enabledText + "'", "write true or false");
        }
        if ("false".equals(enabledText)) disabled = "enabled: false in " + file;
        else if (!missing.isEmpty()) disabled = "set " + String.join(" and ", missing) + " to enable";
        if (disabled == null && http != null) checkUrl(m.get("url"), id, http.url());

        return new Monitor(
                id,
                kind,
                interval,
                retry,
                cron,
                timeout,
                labels,
                conditions,
                failures,
                successes,
                forDuration,
                severity,
                YamlNodes.scalar(m.get("runbook")),
                disabled,
                http,
                endpoint,
                query);
    }

    /**
     * The monitor's own retryInterval (positive, not above its interval), or the default cut to the interval: a
     * monitor polled every 5s is not re-checked less often because the default is 10s.
     */
    private Duration retryInterval(Map<String, Node> m, String id, Duration interval) {
        if (!m.containsKey("retryInterval")) {
            return interval != null && interval.compareTo(defRetry) < 0 ? interval : defRetry;
        }
        Node n = m.get("retryInterval");
        Duration retry = duration(n, id, "retryInterval");
        if (retry.isZero()) throw error(n, id, "retryInterval is zero", "use e.g. 10s");
        if (interval != null && retry.compareTo(interval) > 0) {
            throw error(
                    n,
                    id,
                    "retryInterval " + Durations.format(retry) + " is above the interval " + Durations.format(interval),
                    "re-check a failing monitor sooner than its interval, e.g. retryInterval: 10s");
        }
        return retry;
    }

    private Monitor.Http readHttp(Map<String, Node> m, Node node, String id, Set<String> missing) {
        String url = fill(YamlNodes.scalar(m.get("url")), missing);
        if (url == null) throw error(node, id, "has no url", "write url: https://...");
        String method = YamlNodes.scalar(m.get("method"));
        method = method == null ? "GET" : method.toUpperCase();
        if (!METHODS.contains(method))
            throw error(m.get("method"), id, "unknown method " + method, "use one of " + METHODS);
        Map<String, String> headers = new LinkedHashMap<>();
        if (m.containsKey("headers")) {
            for (Map.Entry<String, Node> e :
                    mapping(m.get("headers"), id, "headers").entrySet()) {
                String v = fill(YamlNodes.scalar(e.getValue()), missing);
                if (v == null)
                    throw error(e.getValue(), id, "header " + e.getKey() + " has no value", "give it a value");
                if (!e.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+"))
                    throw error(e.getValue(), id, "bad header name " + e.getKey(), "fix its spelling");
                if (RESTRICTED_HEADERS.contains(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
                    throw error(e.getValue(), id, "header " + e.getKey() + " is set by the HTTP client", "remove it");
                }
                headers.put(e.getKey(), v);
            }
        }
        if (m.containsKey("basicAuth")) {
            Map<String, Node> b = mapping(m.get("basicAuth"), id, "basicAuth");
            String user = fill(YamlNodes.scalar(b.get("username")), missing);
            String password = fill(YamlNodes.scalar(b.get("password")), missing);
            if (user == null || password == null)
                throw error(m.get("basicAuth"), id, "basicAuth needs username and password", "add both");
            headers.put(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        boolean follow = !"false".equals(YamlNodes.scalar(m.get("followRedirects")));
        String body = fill(YamlNodes.scalar(m.get("body")), missing);
        URI uri;
        try {
            uri = new URI(missing.isEmpty() ? url : "http://disabled.invalid/");
        } catch (URISyntaxException e) {
            throw error(
                    m.get("url"),
                    id,
                    "bad URL '" + url + "': " + e.getReason(),
                    "write a full URL such as https://example.com/health");
        }
        return new Monitor.Http(method, uri, headers, body, follow);
    }

    private void checkUrl(Node n, String id, URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null
                || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw error(
                    n,
                    id,
                    "bad URL '" + uri + "': not an http(s) URL with a host",
                    "write a full URL such as https://example.com/health");
        }
    }

    private Monitor.Endpoint readEndpoint(Map<String, Node> m, Node node, String id, Kind kind, Set<String> missing) {
        String host = fill(YamlNodes.scalar(m.get("host")), missing);
        if (host == null) throw error(node, id, "has no host", "write host: example.com");
        String portText = fill(YamlNodes.scalar(m.get("port")), missing);
        if (portText == null && kind == Kind.TCP) throw error(node, id, "has no port", "write port: 5432");
        int port = 443;
        if (portText != null && missing.isEmpty()) {
            try {
                port = Integer.parseInt(portText);
                if (port < 1 || port > 65535) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw error(m.get("port"), id, "port '" + portText + "' is not 1-65535", "write a port number");
            }
        }
        if (missing.isEmpty() && (host.contains("/") || host.contains(" "))) {
            throw error(
                    m.get("host"),
                    id,
                    "host '" + host + "' is not a host name",
                    "write only the name, e.g. example.com");
        }
        return new Monitor.Endpoint(host, port);
    }

    /** Fills {@code ${NAME}} and {@code ${NAME:-default}}; adds each unset variable without a default to {@code missing}. */
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

    private Map<String, Node> mapping(Node n, String id, String what) {
        try {
            Map<String, Node> m = YamlNodes.mapping(n);
            if (m == null) throw error(n, id, what + " is not a mapping", "write it as key: value lines");
            return m;
        } catch (IllegalArgumentException e) {
            throw new SettingsException(file, id == null ? null : "monitor " + id, e.getMessage(), "keep one of them");
        }
    }

    private Duration duration(Node n, String id, String key) {
        String text = YamlNodes.scalar(n);
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(n, id, key + ": " + e.getMessage(), "write a duration such as 500ms, 30s or 5m");
        }
    }

    private int count(Node n, String id, String key) {
        String text = YamlNodes.scalar(n);
        try {
            int v = Integer.parseInt(text == null ? "" : text.trim());
            if (v < 1 || v > 1000) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw error(n, id, key + " '" + text + "' is not a whole number from 1 to 1000", "write e.g. 3");
        }
    }

    private SettingsException error(Node n, String id, String problem, String fix) {
        int line = n == null ? 0 : YamlNodes.line(n);
        return new SettingsException(
                line > 0 ? file + ":" + line : file, id == null ? null : "monitor " + id, problem, fix);
    }
}
