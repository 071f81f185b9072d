package io.opsrouter.probe;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** {@code sql} monitors: one query against the monitored database, each column of its one row a named value. */
public final class SqlProber implements Prober {
    private final TargetDb db;
    private final Executor workers;

    public SqlProber(TargetDb db, Executor workers) {
        this.db = db;
        this.workers = workers;
    }

    @Override
    public CompletableFuture<Observation> probe(Monitor m) {
        return CompletableFuture.supplyAsync(() -> run(m), workers);
    }

    Observation run(Monitor m) {
        long start = System.nanoTime();
        try {
            java.util.Map<String, Double> row = db.oneRow(m.query(), m.timeout());
            return Observation.values(HttpProber.since(start), row);
        } catch (SQLException e) {
            return Observation.failed(HttpProber.since(start), TargetDb.describe(e, m.timeout()));
        } catch (TargetDb.ProbeException e) {
            return Observation.failed(HttpProber.since(start), e.getMessage());
        } catch (RuntimeException e) {
            return Observation.failed(HttpProber.since(start), HttpProber.describe(e, m.timeout()));
        }
    }
}
