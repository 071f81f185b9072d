package io.opsrouter.store;

import com.zaxxer.hikari.HikariConfig;
import java.time.Duration;

/**
 * How long the router waits for its store, so that a store that is away is answered in about two seconds (ingest's
 * 503, which Alertmanager retries) instead of hanging callers: a connection is given up after
 * {@link #CONNECTION}, a pooled one that does not answer its check after {@link #VALIDATION}, and on PostgreSQL a
 * statement after {@link #STATEMENT} (the server cancels it) or, when the server cannot even say so,
 * {@link #SOCKET} without a byte (the driver drops the connection). Parameters in {@code ROUTER_DB_URL} win over
 * these ({@code socketTimeout}, {@code connectTimeout}, {@code options=-c statement_timeout=...}). Migrations and
 * backups use connections of their own, without these limits. The pool recovers by itself once the store answers.
 */
public final class StoreTimeouts {
    public static final Duration CONNECTION = Duration.ofMillis(1_000);
    public static final Duration VALIDATION = Duration.ofMillis(500);
    public static final Duration STATEMENT = Duration.ofMillis(1_500);
    public static final Duration SOCKET = Duration.ofSeconds(2);
    /** The longest {@code /health} waits for the store's answer (it shares one check among its callers). */
    public static final Duration HEALTH_CHECK = Duration.ofMillis(750);
    /** How long start-up waits for the store to answer before it gives up. */
    static final Duration START_UP = Duration.ofSeconds(5);

    private StoreTimeouts() {}

    static void apply(HikariConfig cfg, Dialect dialect) {
        cfg.setConnectionTimeout(CONNECTION.toMillis());
        cfg.setValidationTimeout(VALIDATION.toMillis());
        cfg.setInitializationFailTimeout(START_UP.toMillis());
        if (dialect == Dialect.POSTGRESQL) {
            // driver properties: parameters of the URL override them
            cfg.addDataSourceProperty("connectTimeout", Long.toString(seconds(CONNECTION)));
            cfg.addDataSourceProperty("loginTimeout", Long.toString(seconds(CONNECTION) + 1));
            cfg.addDataSourceProperty("socketTimeout", Long.toString(seconds(SOCKET)));
            cfg.addDataSourceProperty("tcpKeepAlive", "true");
            cfg.addDataSourceProperty("options", "-c statement_timeout=" + STATEMENT.toMillis());
        }
    }

    private static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
