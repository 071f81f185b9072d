package io.opsrouter.config;

import java.nio.file.Path;
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
                home, port, data, routes, reload, url, user, password, pool, format, publicUrl.replaceAll("/+$", ""));
    }

    public boolean embeddedStore() {
        return dbUrl.startsWith("jdbc:h2:");
    }

    /** Opens the state store these settings name (the store itself knows nothing of the settings). */
    public io.opsrouter.store.StateStore openStore() {
        try {
            if (dbUrl().equals(io.opsrouter.store.StateStore.embeddedUrl(dataDir()))) {
                return io.opsrouter.store.StateStore.openEmbedded(
                        dataDir(), dbUser().orElse(null), dbPassword().orElse(null), dbPoolSize());
            }
            return io.opsrouter.store.StateStore.open(
                    dbUrl(), dbUser().orElse(null), dbPassword().orElse(null), dbPoolSize(), dataDir());
        } catch (io.opsrouter.store.StoreSetupException e) {
            throw new SettingsException("environment", e.setting(), e.problem(), e.fix(), e.getCause());
        }
    }
}
