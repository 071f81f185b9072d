package io.opsrouter.store;

import com.zaxxer.hikari.HikariConfig;
import java.time.Duration;

/**
 * How long the router waits for its store, so that a store that is away is answered in about two seconds (ingest's
 * 503, which Alertmanager retries) instead of hanging callers: a connection is given up after {@code connection}, a
 * pooled one that does not answer its check after {@code validation}, and on PostgreSQL a statement after
 * {@code statement} (the server cancels it) or, when the server cannot even say so, {@code socket} without a byte
 * (the driver drops the connection, in whole seconds). {@code /health} waits at most {@code healthCheck} for the
 * store's answer. Parameters in {@code ROUTER_DB_URL} win over these ({@code socketTimeout}, {@code connectTimeout},
 * {@code options=-c statement_timeout=...}). Migrations and backups use connections of their own, without these
 * limits. The pool recovers by itself once the store answers. The settings ({@code router.db.*-timeout}) are read and
 * checked by {@code CoreSettings}; the store knows nothing of them.
 */
public record StoreTimeouts(
        Duration connection, Duration validation, Duration statement, Duration socket, Duration healthCheck) {
    /** The shipped values: ingest answers 503 within about 2 s and {@code /health} within 1 s with the store away. */
    public static final StoreTimeouts DEFAULTS = new StoreTimeouts(
            Duration.ofMillis(1_000),
            Duration.ofMillis(500),
            Duration.ofMillis(1_500),
            Duration.ofSeconds(2),
            Duration.ofMillis(750));
    /** How long start-up waits for the store to answer before it gives up. */
    static final Duration START_UP = Duration.ofSeconds(5);

    void apply(HikariConfig cfg, Dialect dialect) {
        cfg.setConnectionTimeout(connection.toMillis());
        cfg.setValidationTimeout(validation.toMillis());
        cfg.setInitializationFailTimeout(START_UP.toMillis());
        if (dialect == Dialect.POSTGRESQL) {
            // driver properties: parameters of the URL override them
            cfg.addDataSourceProperty("connectTimeout", Long.toString(seconds(connection)));
            cfg.addDataSourceProperty("loginTimeout", Long.toString(seconds(connection) + 1));
            cfg.addDataSourceProperty("socketTimeout", Long.toString(seconds(socket)));
            cfg.addDataSourceProperty("tcpKeepAlive", "true");
            cfg.addDataSourceProperty("options", "-c statement_timeout=" + statement.toMillis());
        }
    }

    /** The driver's timeouts are whole seconds: rounded up, at least one. */
    static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
