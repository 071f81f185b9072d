package io.opsrouter.ingest;

import io.opsrouter.alert.Severity;
import io.opsrouter.config.SettingsSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The ingestion section of the settings: credentials, limits and the severity mapping, validated at load. */
public record IngestSettings(
        Optional<String> token,
        Optional<String> secret,
        int maxBodyBytes,
        int maxAlerts,
        int rateLimit,
        int tokenRateLimit,
        Duration ratePeriod,
        Limits limits,
        Duration signatureTolerance,
        Duration readTimeout,
        int concurrentReads,
        SeverityMapping severities) {

    /** Bounds on one alert's labels and annotations. */
    public record Limits(
            int maxLabels,
            int maxLabelNameLength,
            int maxLabelValueLength,
            int maxAnnotations,
            int maxAnnotationValueLength) {}

    public static final String TOKEN = "router.webhook.token";
    public static final String SECRET = "router.webhook.secret";
    public static final String MAX_BODY = "router.ingest.max-body-bytes";
    public static final String MAX_ALERTS = "router.ingest.max-alerts";
    public static final String RATE_LIMIT = "router.ingest.rate-limit";
    public static final String TOKEN_RATE_LIMIT = "router.ingest.token-rate-limit";
    public static final String RATE_PERIOD = "router.ingest.rate-period";
    public static final String MAX_LABELS = "router.ingest.max-labels";
    public static final String MAX_LABEL_NAME = "router.ingest.max-label-name-length";
    public static final String MAX_LABEL_VALUE = "router.ingest.max-label-value-length";
    public static final String MAX_ANNOTATIONS = "router.ingest.max-annotations";
    public static final String MAX_ANNOTATION_VALUE = "router.ingest.max-annotation-value-length";
    public static final String SIGNATURE_TOLERANCE = "router.ingest.signature-tolerance";
    public static final String READ_TIMEOUT = "router.ingest.read-timeout";
    public static final String CONCURRENT_READS = "router.ingest.concurrent-reads";
    public static final String SEVERITY_MAP = "router.ingest.severity-map";
    public static final String SEVERITY_DEFAULT = "router.ingest.severity-default";

    public static IngestSettings from(SettingsSource s) {
        Optional<String> token = s.secret(TOKEN, "ROUTER_WEBHOOK_TOKEN");
        Optional<String> secret = s.secret(SECRET, "ROUTER_WEBHOOK_SECRET");
        int maxBody = s.integer(MAX_BODY, "ROUTER_INGEST_MAX_BODY_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024);
        int maxAlerts = s.integer(MAX_ALERTS, "ROUTER_INGEST_MAX_ALERTS", 1000, 1, 100_000);
        int rate = s.integer(RATE_LIMIT, "ROUTER_INGEST_RATE_LIMIT", 100, 1, 1_000_000_000);
        int tokenRate = s.integer(TOKEN_RATE_LIMIT, "ROUTER_INGEST_TOKEN_RATE_LIMIT", 1000, 1, 1_000_000_000);
        Duration period = bounded(
                s,
                RATE_PERIOD,
                "ROUTER_INGEST_RATE_PERIOD",
                Duration.ofMinutes(1),
                Duration.ofSeconds(1),
                Duration.ofDays(1));
        Limits limits = new Limits(
                s.integer(MAX_LABELS, "ROUTER_INGEST_MAX_LABELS", 64, 1, 10_000),
                s.integer(MAX_LABEL_NAME, "ROUTER_INGEST_MAX_LABEL_NAME_LENGTH", 128, 1, 65_536),
                s.integer(MAX_LABEL_VALUE, "ROUTER_INGEST_MAX_LABEL_VALUE_LENGTH", 1024, 1, 1_048_576),
                s.integer(MAX_ANNOTATIONS, "ROUTER_INGEST_MAX_ANNOTATIONS", 64, 1, 10_000),
                s.integer(MAX_ANNOTATION_VALUE, "ROUTER_INGEST_MAX_ANNOTATION_VALUE_LENGTH", 8192, 1, 1_048_576));
        Duration tolerance = bounded(
                s,
                SIGNATURE_TOLERANCE,
                "ROUTER_INGEST_SIGNATURE_TOLERANCE",
                Duration.ofMinutes(5),
                Duration.ofSeconds(1),
                Duration.ofHours(1));
        Duration readTimeout = bounded(
                s,
                READ_TIMEOUT,
                "ROUTER_INGEST_READ_TIMEOUT",
                Duration.ofSeconds(10),
                Duration.ofMillis(100),
                Duration.ofMinutes(5));
        int concurrentReads = s.integer(CONCURRENT_READS, "ROUTER_INGEST_CONCURRENT_READS", 8, 1, 1000);
        return new IngestSettings(
                token,
                secret,
                maxBody,
                maxAlerts,
                rate,
                tokenRate,
                period,
                limits,
                tolerance,
                readTimeout,
                concurrentReads,
                severities(s));
    }

    /** How far ahead of the router's clock a signed event's timestamp may be (clock skew), 30 s unless set. */
    public static Duration futureSkew(SettingsSource s) {
        return bounded(
                s,
                "router.ingest.future-skew",
                "ROUTER_INGEST_FUTURE_SKEW",
                Duration.ofSeconds(30),
                Duration.ZERO,
                Duration.ofMinutes(5));
    }

    private static Duration bounded(
            SettingsSource s, String key, String env, Duration fallback, Duration min, Duration max) {
        Duration d = s.duration(key, env, fallback);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw s.error(
                    key,
                    env,
                    "'" + s.raw(key, env).orElse("") + "' is outside " + io.opsrouter.config.Durations.format(min)
                            + " to " + io.opsrouter.config.Durations.format(max),
                    "set a duration from " + io.opsrouter.config.Durations.format(min) + " to "
                            + io.opsrouter.config.Durations.format(max));
        }
        return d;
    }

    private static SeverityMapping severities(SettingsSource s) {
        String text = s.string(SEVERITY_MAP, "ROUTER_INGEST_SEVERITY_MAP", "critical=P1,warning=P2");
        Map<String, Severity> map = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) continue;
            String[] kv = pair.split("=", -1);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw s.error(
                        SEVERITY_MAP,
                        "ROUTER_INGEST_SEVERITY_MAP",
                        "'" + pair.trim() + "' is not label-value=P1|P2|P3",
                        "write it like critical=P1,warning=P2");
            }
            try {
                map.put(kv[0].trim().toLowerCase(), Severity.parse(kv[1]));
            } catch (IllegalArgumentException e) {
                throw s.error(
                        SEVERITY_MAP,
                        "ROUTER_INGEST_SEVERITY_MAP",
                        e.getMessage(),
                        "write it like critical=P1,warning=P2");
            }
        }
        String fallback = s.string(SEVERITY_DEFAULT, "ROUTER_INGEST_SEVERITY_DEFAULT", "P3");
        try {
            return new SeverityMapping(map, Severity.parse(fallback));
        } catch (IllegalArgumentException e) {
            throw s.error(SEVERITY_DEFAULT, "ROUTER_INGEST_SEVERITY_DEFAULT", e.getMessage(), "set P1, P2 or P3");
        }
    }
}
