package io.opsrouter.heartbeat;

import io.opsrouter.alert.LabelMatcher;
import io.opsrouter.config.SettingsSource;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The heartbeats' section of {@code config/application.properties}; every key also has an environment variable. */
public record HeartbeatSettings(
        String file,
        Duration checkInterval,
        int bodyLimitBytes,
        int pingsPerMinute,
        LabelMatcher watchdogMatch,
        List<String> watchdogSenderLabels,
        Duration watchdogPeriod,
        Duration watchdogGrace,
        Duration scheduleGrace,
        Optional<URI> outgoingUrl,
        Duration outgoingInterval) {

    public static final String FILE = "router.heartbeats.file";
    public static final String CHECK_INTERVAL = "router.heartbeats.check-interval";
    public static final String BODY_LIMIT = "router.heartbeats.body-limit-bytes";
    public static final String RATE = "router.heartbeats.pings-per-minute";
    public static final String WATCHDOG_MATCH = "router.watchdog.match";
    public static final String WATCHDOG_SENDER_LABELS = "router.watchdog.sender-labels";
    public static final String WATCHDOG_PERIOD = "router.watchdog.period";
    public static final String WATCHDOG_GRACE = "router.watchdog.grace";
    public static final String SCHEDULE_GRACE = "router.schedules.grace";
    public static final String OUTGOING_URL = "router.heartbeat.url";
    public static final String OUTGOING_URL_ENV = "ROUTER_HEARTBEAT_URL";
    public static final String OUTGOING_INTERVAL = "router.heartbeat.interval";

    private static final Pattern MATCHER =
            Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|=)\\s*\"?([^\",]*)\"?\\s*");

    public static HeartbeatSettings from(SettingsSource s) {
        Duration check = s.duration(CHECK_INTERVAL, "ROUTER_HEARTBEATS_CHECK_INTERVAL", Duration.ofSeconds(15));
        if (check.isZero())
            throw s.error(CHECK_INTERVAL, "ROUTER_HEARTBEATS_CHECK_INTERVAL", "is zero", "write e.g. 15s");
        Optional<String> url = s.secret(OUTGOING_URL, OUTGOING_URL_ENV);
        Optional<URI> uri = url.map(u -> {
            try {
                URI parsed = URI.create(u.replaceAll("/+$", ""));
                if (parsed.getHost() == null || !(u.startsWith("http://") || u.startsWith("https://")))
                    throw new IllegalArgumentException();
                return parsed;
            } catch (IllegalArgumentException e) {
                throw s.error(
                        OUTGOING_URL,
                        OUTGOING_URL_ENV,
                        "is not an http(s) URL with a host",
                        "write the full ping URL, e.g. https://hc-ping.com/<uuid> or http://other-router:8080/ping/<key>");
            }
        });
        Duration outgoing = s.duration(OUTGOING_INTERVAL, "ROUTER_HEARTBEAT_INTERVAL", Duration.ofMinutes(1));
        if (outgoing.isZero())
            throw s.error(OUTGOING_INTERVAL, "ROUTER_HEARTBEAT_INTERVAL", "is zero", "write e.g. 1m");
        Duration period = s.duration(WATCHDOG_PERIOD, "ROUTER_WATCHDOG_PERIOD", Duration.ofMinutes(5));
        if (period.isZero())
            throw s.error(
                    WATCHDOG_PERIOD,
                    "ROUTER_WATCHDOG_PERIOD",
                    "is zero",
                    "write the Watchdog's repeat_interval, e.g. 5m");
        return new HeartbeatSettings(
                s.string(FILE, "ROUTER_HEARTBEATS_FILE", "config/monitors.yaml"),
                check,
                s.integer(BODY_LIMIT, "ROUTER_HEARTBEATS_BODY_LIMIT_BYTES", 100_000, 0, 10_000_000),
                s.integer(RATE, "ROUTER_HEARTBEATS_PINGS_PER_MINUTE", 30, 1, 100_000),
                matcher(s),
                List.of(s.string(WATCHDOG_SENDER_LABELS, "ROUTER_WATCHDOG_SENDER_LABELS", "prometheus,cluster,instance")
                        .split("\\s*,\\s*")),
                period,
                s.duration(WATCHDOG_GRACE, "ROUTER_WATCHDOG_GRACE", Duration.ofMinutes(5)),
                s.duration(SCHEDULE_GRACE, "ROUTER_SCHEDULES_GRACE", Duration.ofMinutes(2)),
                uri,
                outgoing);
    }

    /** The check timer's period, for {@code routes/heartbeats.yaml}. */
    public long checkMillis() {
        return checkInterval.toMillis();
    }

    /** {@code alertname=Watchdog}, or several comma-separated {@code name=value} and {@code name=~regex}. */
    private static LabelMatcher matcher(SettingsSource s) {
        String text = s.string(WATCHDOG_MATCH, "ROUTER_WATCHDOG_MATCH", "alertname=Watchdog");
        Map<String, String> equal = new LinkedHashMap<>();
        Map<String, String> regex = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            var m = MATCHER.matcher(part);
            if (!m.matches()) {
                throw s.error(
                        WATCHDOG_MATCH,
                        "ROUTER_WATCHDOG_MATCH",
                        "'" + part.trim() + "' is not name=value or name=~regex",
                        "write e.g. alertname=Watchdog");
            }
            (m.group(2).equals("=") ? equal : regex).put(m.group(1), m.group(3).trim());
        }
        try {
            return LabelMatcher.of(equal, regex);
        } catch (PatternSyntaxException e) {
            throw s.error(
                    WATCHDOG_MATCH,
                    "ROUTER_WATCHDOG_MATCH",
                    "bad regular expression: " + e.getDescription(),
                    "fix the regex");
        }
    }
}
