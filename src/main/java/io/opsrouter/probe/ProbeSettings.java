package io.opsrouter.probe;

import io.opsrouter.config.SettingsSource;

/** The probes' section of {@code config/application.properties}. */
public record ProbeSettings(
        String file, int workers, int bodyLimitBytes, int targetPoolSize, java.time.Duration reloadInterval) {
    public static final String FILE = "router.probes.file";
    public static final String WORKERS = "router.probes.workers";
    public static final String BODY_LIMIT = "router.probes.body-limit-bytes";
    public static final String TARGET_POOL = "router.probes.target-db-pool-size";
    public static final String RELOAD = "router.probes.reload-interval";

    public static ProbeSettings from(SettingsSource s) {
        return new ProbeSettings(
                s.string(FILE, "ROUTER_PROBES_FILE", MonitorsFile.DEFAULT_FILE),
                s.integer(WORKERS, "ROUTER_PROBES_WORKERS", 16, 1, 512),
                s.integer(
                        BODY_LIMIT,
                        "ROUTER_PROBES_BODY_LIMIT_BYTES",
                        HttpProber.DEFAULT_BODY_LIMIT,
                        1024,
                        16 * 1024 * 1024),
                s.integer(TARGET_POOL, "ROUTER_PROBES_TARGET_DB_POOL_SIZE", 4, 1, 50),
                s.duration(RELOAD, "ROUTER_PROBES_RELOAD_INTERVAL", java.time.Duration.ofSeconds(10)));
    }
}
