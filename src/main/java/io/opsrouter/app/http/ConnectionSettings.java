package io.opsrouter.app.http;

import io.opsrouter.config.Durations;
import io.opsrouter.config.SettingsSource;
import java.time.Duration;

/**
 * How long the HTTP server keeps a connection that does nothing useful, and how many it keeps at once.
 *
 * @param idleTimeout a connection with no request under way (nothing sent since it opened, a half-sent request
 *     line or headers, or a keep-alive connection after its answer) is closed after this
 * @param requestTimeout a request whose body has not arrived in full this long after its headers is closed
 * @param maxConnections connections open at once; a new one above this closes the connection idle the longest (one in
 *     the reserved room that has asked for nothing first), or is itself closed when every connection is working
 * @param reservedConnections the last connections below the cap are kept for {@code /health} and senders with a
 *     valid token: a connection opened there must ask for one of those at once, or is answered 503 and closed
 */
public record ConnectionSettings(
        Duration idleTimeout, Duration requestTimeout, int maxConnections, int reservedConnections) {
    public static final String IDLE_TIMEOUT = "router.http.idle-timeout";
    public static final String REQUEST_TIMEOUT = "router.http.request-timeout";
    public static final String MAX_CONNECTIONS = "router.http.max-connections";
    public static final String RESERVED_CONNECTIONS = "router.http.reserved-connections";

    /** How long a connection opened in the reserved room may wait before asking for something. */
    static final Duration RESERVED_GRACE = Duration.ofSeconds(1);

    public static ConnectionSettings from(SettingsSource s) {
        Duration idle = bounded(
                s,
                IDLE_TIMEOUT,
                "ROUTER_HTTP_IDLE_TIMEOUT",
                Duration.ofSeconds(5),
                Duration.ofMillis(200),
                Duration.ofMinutes(10));
        Duration request = bounded(
                s,
                REQUEST_TIMEOUT,
                "ROUTER_HTTP_REQUEST_TIMEOUT",
                Duration.ofSeconds(15),
                Duration.ofMillis(200),
                Duration.ofMinutes(10));
        int max = s.integer(MAX_CONNECTIONS, "ROUTER_HTTP_MAX_CONNECTIONS", 1000, 10, 1_000_000);
        int reserved = s.integer(RESERVED_CONNECTIONS, "ROUTER_HTTP_RESERVED_CONNECTIONS", 100, 1, 1_000_000);
        if (reserved >= max) {
            throw s.error(
                    RESERVED_CONNECTIONS,
                    "ROUTER_HTTP_RESERVED_CONNECTIONS",
                    "'" + reserved + "' is not below " + MAX_CONNECTIONS + " (" + max + ")",
                    "keep fewer connections in reserve than the cap, e.g. a tenth of it");
        }
        return new ConnectionSettings(idle, request, max, reserved);
    }

    /** Connections open at once before a new one must be for {@code /health} or carry a valid token. */
    public int openLimit() {
        return maxConnections - reservedConnections;
    }

    static Duration bounded(SettingsSource s, String key, String env, Duration fallback, Duration min, Duration max) {
        Duration d = s.duration(key, env, fallback);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw s.error(
                    key,
                    env,
                    "'" + s.raw(key, env).orElse("") + "' is outside " + Durations.format(min) + " to "
                            + Durations.format(max),
                    "set a duration from " + Durations.format(min) + " to " + Durations.format(max));
        }
        return d;
    }
}
