package io.opsrouter.probe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * {@code pg} monitors: PostgreSQL's own health figures, no SQL to write. Deadlocks and rollbacks are counted
 * since the monitor's previous poll (0 on the first).
 */
public final class PgMetricsProber implements Prober {
    public static final List<String> NAMES = List.of(
            "connections_used_ratio",
            "longest_query_seconds",
            "longest_idle_in_transaction_seconds",
            "replication_lag_seconds",
            "database_size_bytes",
            "cache_hit_ratio",
            "deadlocks",
            "rollbacks",
            "dead_tuple_ratio_max");

    static final String QUERY = """
            SELECT
              (SELECT count(*) FROM pg_stat_activity)::float8 / current_setting('max_connections')::float8 AS connections_used_ratio,
              greatest(coalesce((SELECT extract(epoch FROM max(clock_timestamp() - query_start)) FROM pg_stat_activity
                         WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'), 0), 0)::float8
                AS longest_query_seconds,
              greatest(coalesce((SELECT extract(epoch FROM max(clock_timestamp() - state_change)) FROM pg_stat_activity
                         WHERE state LIKE 'idle in transaction%'), 0), 0)::float8 AS longest_idle_in_transaction_seconds,
              (CASE WHEN pg_is_in_recovery() THEN greatest(coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0), 0)
                    ELSE coalesce((SELECT extract(epoch FROM max(replay_lag)) FROM pg_stat_replication), 0) END)::float8
                AS replication_lag_seconds,
              pg_database_size(current_database())::float8 AS database_size_bytes,
              (SELECT CASE WHEN blks_hit + blks_read = 0 THEN 1 ELSE blks_hit::float8 / (blks_hit + blks_read) END
                 FROM pg_stat_database WHERE datname = current_database()) AS cache_hit_ratio,
              (SELECT deadlocks FROM pg_stat_database WHERE datname = current_database())::float8 AS deadlocks_total,
              (SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database())::float8 AS rollbacks_total,
              coalesce((SELECT max(n_dead_tup::float8 / nullif(n_live_tup + n_dead_tup, 0))
                          FROM (SELECT n_dead_tup, n_live_tup FROM pg_stat_user_tables
                                 ORDER BY pg_total_relation_size(relid) DESC LIMIT 10) t), 0)::float8 AS dead_tuple_ratio_max
            """;

    private final TargetDb db;
    private final Executor workers;
    private final Map<String, double[]> previousTotals = new ConcurrentHashMap<>();

    public PgMetricsProber(TargetDb db, Executor workers) {
        this.db = db;
        this.workers = workers;
    }

    @Override
    public CompletableFuture<Observation> probe(Monitor m) {
        return CompletableFuture.supplyAsync(() -> run(m), workers);
    }

    Observation run(Monitor m) {
        return db.observe(QUERY, m.timeout(), row -> {
            double deadlocks = row.remove("deadlocks_total");
            double rollbacks = row.remove("rollbacks_total");
            double[] before = previousTotals.put(m.id(), new double[] {deadlocks, rollbacks});
            Map<String, Double> values = new LinkedHashMap<>(row);
            values.put("deadlocks", before == null ? 0 : delta(before[0], deadlocks));
            values.put("rollbacks", before == null ? 0 : delta(before[1], rollbacks));
            return values;
        });
    }

    /** A statistics reset makes the total smaller: then everything since the reset is new. */
    private static double delta(double before, double now) {
        return now >= before ? now - before : now;
    }
}
