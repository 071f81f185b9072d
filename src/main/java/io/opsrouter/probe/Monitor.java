package io.opsrouter.probe;

import io.opsrouter.alert.Severity;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One monitor from {@code config/monitors.yaml}, validated, with environment variables already filled in.
 * A disabled monitor keeps its definition and the reason ({@link #disabledReason}) for {@code GET /api/monitors}.
 *
 * @param interval  how often it runs, or null when {@link #cron} is set
 * @param retryInterval how soon a failing run not yet confirmed by {@link #failureThreshold} is run again (like
 *                  Uptime Kuma's): a failure is confirmed in seconds, not in intervals; never above the interval
 * @param cron      a Quartz cron expression (seconds first), or null
 * @param forDuration how long the failures must last before the monitor is down (with {@link #failureThreshold})
 */
public record Monitor(
        String id,
        Kind kind,
        Duration interval,
        Duration retryInterval,
        String cron,
        Duration timeout,
        Map<String, String> labels,
        List<Condition> conditions,
        int failureThreshold,
        int successThreshold,
        Duration forDuration,
        Severity severity,
        String runbook,
        String disabledReason,
        Http http,
        Endpoint endpoint,
        String query) {

    /** What an {@code http} monitor sends. */
    public record Http(String method, URI url, Map<String, String> headers, String body, boolean followRedirects) {}

    /** Host and port of a {@code tls} or {@code tcp} monitor. */
    public record Endpoint(String host, int port) {}

    public Monitor {
        labels = Map.copyOf(labels);
        conditions = List.copyOf(conditions);
    }

    public boolean enabled() {
        return disabledReason == null;
    }

    public String schedule() {
        return cron != null ? "cron " + cron : "every " + io.opsrouter.config.Durations.format(interval);
    }

    /** What the probe reaches, for tables and logs (never a header or secret). */
    public String target() {
        return switch (kind) {
            case HTTP ->
                http == null
                        ? ""
                        : http.method() + " " + http.url().getScheme() + "://"
                                + http.url().getAuthority()
                                + (http.url().getRawPath() == null
                                        ? ""
                                        : http.url().getRawPath());
            case TLS, TCP -> endpoint == null ? "" : endpoint.host() + ":" + endpoint.port();
            case SQL, PG -> "TARGET_DB_URL";
        };
    }
}
