package io.opsrouter.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.metrics.MeterNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts edited settings files in force on a running router: every {@code router.config.reload-interval} the files
 * are checked ({@link WatchedFiles}); a change that loads and validates is applied, one that does not is refused,
 * logged, counted ({@code ops_router_config_reloads_total{config,outcome}}) and kept for health until a good
 * version is applied, and what was in force stays.
 */
public final class ConfigReload {
    public static final String INTERVAL = "router.config.reload-interval";
    public static final String INTERVAL_ENV = "ROUTER_CONFIG_RELOAD_INTERVAL";
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

    /** Loads and validates the files and puts them in force, or throws without changing anything. */
    @FunctionalInterface
    public interface Apply {
        String apply() throws SettingsException;
    }

    private final String config;
    private final String files;
    private final WatchedFiles watched;
    private final Apply apply;
    private final MeterRegistry meters;
    private volatile String refused;
    private ScheduledExecutorService timer;

    /**
     * @param config meter tag, e.g. {@code alerts}
     * @param files  what the log lines name, e.g. {@code config/templates}
     * @param apply  returns a short description of what is in force now, for the log
     */
    public ConfigReload(String config, String files, List<Path> paths, Apply apply, MeterRegistry meters) {
        this.config = config;
        this.files = files;
        this.watched = new WatchedFiles(paths);
        this.apply = apply;
        this.meters = meters;
    }

    /** How often settings files are checked for changes; 0s never. */
    public static Duration interval(SettingsSource s) {
        Duration d = s.duration(INTERVAL, INTERVAL_ENV, Duration.ofSeconds(10));
        if (d.isNegative())
            throw s.error(INTERVAL, INTERVAL_ENV, "is negative", "write e.g. 10s, or 0s to turn reloading off");
        return d;
    }

    public void start(Duration interval) {
        timer = WatchedFiles.every(interval, config + "-reload", this::reloadIfChanged);
    }

    public void stop() {
        if (timer != null) timer.shutdownNow();
    }

    /** Why the last reload was refused, or null when the files in force are the newest. */
    public String refused() {
        return refused;
    }

    /** The health detail: {@code detail}, and the refusal while there is one. */
    public String health(String detail) {
        String r = refused;
        return r == null ? detail : detail + "; last reload refused, the previous version stays: " + r;
    }

    void reloadIfChanged() {
        try {
            if (!watched.changedAndSettled()) return;
            String now;
            try {
                now = apply.apply();
            } catch (SettingsException e) {
                refused = e.getMessage();
                meters.counter(MeterNames.CONFIG_RELOADS, "config", config, "outcome", "refused")
                        .increment();
                LOG.error("{} not reloaded, what is in force stays: {}", files, e.getMessage());
                return;
            }
            refused = null;
            meters.counter(MeterNames.CONFIG_RELOADS, "config", config, "outcome", "applied")
                    .increment();
            LOG.info("{} reloaded: {}", files, now);
        } catch (RuntimeException e) {
            LOG.error("reloading {} failed, what is in force stays: {}", files, e.toString());
        }
    }
}
