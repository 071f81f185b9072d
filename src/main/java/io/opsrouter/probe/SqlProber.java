package io.opsrouter.probe;

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
        return db.observe(m.query(), m.timeout(), row -> row);
    }
}
