package io.opsrouter.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The foundation's own section of the settings: HTTP port, data folder, state store, routes and logs.
 * Each other section (channels, monitors, backups...) has a class like this one that validates at load.
 */
public record CoreSettings(
        Path home,
        int httpPort,
        Path dataDir,
        Path routesDir,
        boolean routesReload,
        String dbUrl,
        Optional<String> dbUser,
        Optional<String> dbPassword,
        int dbPoolSize,
        io.opsrouter.store.StoreTimeouts dbTimeouts,
        String logFormat,
        String publicUrl) {

    public static final String HTTP_PORT = "router.http.port";
    public static final String DATA_DIR = "router.data.dir";
    public static final String ROUTES_DIR = "router.routes.dir";
    public static final String ROUTES_RELOAD = "router.routes.reload";
    public static final String DB_URL = "router.db.url";
    public static final String DB_USER = "router.db.user";
    public static final String DB_PASSWORD = "router.db.password";
    public static final String DB_POOL_SIZE = "router.db.pool-size";
    public static final String DB_CONNECT_TIMEOUT = "router.db.connect-timeout";
    public static final String DB_VALIDATION_TIMEOUT = "router.db.validation-timeout";
    public static final String DB_STATEMENT_TIMEOUT = "router.db.statement-timeout";
    public static final String DB_SOCKET_TIMEOUT = "router.db.socket-timeout";
    public static final String DB_HEALTH_TIMEOUT = "router.db.health-timeout";
    public static final String LOG_FORMAT = "router.log.format";
    public static final String PUBLIC_URL = "router.public-url";

    public static CoreSettings from(SettingsSource s) {
        Path home = s.home();
        int port = s.integer(HTTP_PORT, "ROUTER_HTTP_PORT", 8080, 0, 65535);
        Path data = home.resolve(s.string(DATA_DIR, "ROUTER_DATA_DIR", "data")).normalize();
        Path routes = home.resolve(s.string(ROUTES_DIR, "ROUTER_ROUTES_DIR", "routes"))
                .normalize();
        boolean reload = s.bool(ROUTES_RELOAD, "ROUTER_ROUTES_RELOAD", false);
        String url = s.string(DB_URL, "ROUTER_DB_URL", null);
        if (url == null) {
            url = io.opsrouter.store.StateStore.embeddedUrl(data);
        } else if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
            throw s.error(
                    DB_URL,
                    "ROUTER_DB_URL",
                    "'" + url + "' is neither a PostgreSQL nor an H2 JDBC URL",
                    "use jdbc:postgresql://host:5432/db, or leave it unset for the embedded store");
        }
        Optional<String> user = Optional.ofNullable(s.string(DB_USER, "ROUTER_DB_USER", null));
        Optional<String> password = s.secret(DB_PASSWORD, "ROUTER_DB_PASSWORD");
        int pool = s.integer(DB_POOL_SIZE, "ROUTER_DB_POOL_SIZE", 8, 1, 200);
        io.opsrouter.store.StoreTimeouts timeouts = storeTimeouts(s);
        String format = s.string(LOG_FORMAT, "ROUTER_LOG_FORMAT", "text").toLowerCase();
        if (!format.equals("text") && !format.equals("json")) {
            throw s.error(LOG_FORMAT, "ROUTER_LOG_FORMAT", "'" + format + "' is not a log format", "use text or json");
        }
        String publicUrl = s.string(PUBLIC_URL, "ROUTER_PUBLIC_URL", "http://localhost:" + port);
        if (!publicUrl.startsWith("http://") && !publicUrl.startsWith("https://")) {
            throw s.error(
                    PUBLIC_URL,
                    "ROUTER_PUBLIC_URL",
                    "'" + publicUrl + "' is not an http(s) URL",
                    "set the address people reach the router at, e.g. https://ops.example.com");
        }
        return new CoreSettings(
                home,
                port,
                data,
                routes,
                reload,
                url,
                user,
                password,
                pool,
                timeouts,
                format,
                publicUrl.replaceAll("/+$", ""));
    }

    /**
     * How long the router waits for its store ({@code router.db.*-timeout}): short enough that ingest answers 503
     * within about 2 s and {@code /health} within 1 s while the store is away. Each within its range, the check
     * shorter than the connection's (the pool refuses otherwise), the socket's longer than the statement's (so the
     * server's cancel comes first).
     */
    static io.opsrouter.store.StoreTimeouts storeTimeouts(SettingsSource s) {
        io.opsrouter.store.StoreTimeouts d = io.opsrouter.store.StoreTimeouts.DEFAULTS;
        Duration connect = between(
                s,
                DB_CONNECT_TIMEOUT,
                "ROUTER_DB_CONNECT_TIMEOUT",
                d.connection(),
                "250ms",
                "5m",
                "how long a request waits for a store connection; 503 comes after about twice this");
        Duration validation = between(
                s,
                DB_VALIDATION_TIMEOUT,
                "ROUTER_DB_VALIDATION_TIMEOUT",
                d.validation(),
                "250ms",
                "1m",
                "how long a pooled connection's check may take, shorter than router.db.connect-timeout");
        if (validation.compareTo(connect) >= 0) {
            throw s.error(
                    DB_VALIDATION_TIMEOUT,
                    "ROUTER_DB_VALIDATION_TIMEOUT",
                    "'" + Durations.format(validation) + "' is not shorter than router.db.connect-timeout ("
                            + Durations.format(connect) + ")",
                    "set it below the connect timeout, e.g. half of it");
        }
        Duration statement = between(
                s,
                DB_STATEMENT_TIMEOUT,
                "ROUTER_DB_STATEMENT_TIMEOUT",
                d.statement(),
                "100ms",
                "1h",
                "how long PostgreSQL may run one statement before it cancels it");
        Duration socket = between(
                s,
                DB_SOCKET_TIMEOUT,
                "ROUTER_DB_SOCKET_TIMEOUT",
                d.socket(),
                "1s",
                "1h",
                "how long the PostgreSQL driver waits for any byte, in whole seconds");
        if (socket.compareTo(statement) <= 0) {
            throw s.error(
                    DB_SOCKET_TIMEOUT,
                    "ROUTER_DB_SOCKET_TIMEOUT",
                    "'" + Durations.format(socket) + "' is not longer than router.db.statement-timeout ("
                            + Durations.format(statement) + ")",
                    "set it longer than the statement timeout, so that the server's cancel arrives first");
        }
        Duration health = between(
                s,
                DB_HEALTH_TIMEOUT,
                "ROUTER_DB_HEALTH_TIMEOUT",
                d.healthCheck(),
                "100ms",
                "30s",
                "how long /health waits for the store's answer");
        return new io.opsrouter.store.StoreTimeouts(connect, validation, statement, socket, health);
    }

    private static Duration between(
            SettingsSource s, String key, String env, Duration fallback, String min, String max, String what) {
        Duration v = s.duration(key, env, fallback);
        if (v.compareTo(Durations.parse(min)) < 0 || v.compareTo(Durations.parse(max)) > 0) {
            throw s.error(
                    key,
                    env,
                    "'" + s.raw(key, env).orElse("") + "' is not from " + min + " to " + max,
                    "set it to a duration from " + min + " to " + max + ", e.g. " + Durations.format(fallback) + " ("
                            + what + ")");
        }
        return v;
    }

    public boolean embeddedStore() {
        return dbUrl.startsWith("jdbc:h2:");
    }

    /** Opens the state store these settings name (the store itself knows nothing of the settings). */
    public io.opsrouter.store.StateStore openStore() {
        try {
            if (dbUrl().equals(io.opsrouter.store.StateStore.embeddedUrl(dataDir()))) {
                return io.opsrouter.store.StateStore.openEmbedded(
                        dataDir(), dbUser().orElse(null), dbPassword().orElse(null), dbPoolSize(), dbTimeouts());
            }
            return io.opsrouter.store.StateStore.open(
                    dbUrl(), dbUser().orElse(null), dbPassword().orElse(null), dbPoolSize(), dataDir(), dbTimeouts());
        } catch (io.opsrouter.store.StoreSetupException e) {
            throw new SettingsException("environment", e.setting(), e.problem(), e.fix(), e.getCause());
        }
    }
}
