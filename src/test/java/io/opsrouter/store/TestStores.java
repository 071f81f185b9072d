package io.opsrouter.store;

import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;

/** A state store on H2 (a file) or on the test PostgreSQL, for the tests that run on both. */
final class TestStores {
    private TestStores() {}

    /** {@code pool} needs one connection more than the test uses at once while the store opens: Flyway takes one. */
    static StateStore open(Dialect dialect, Path h2File, TestPostgres.Database pg, int pool) {
        return dialect == Dialect.H2
                ? StateStore.open("jdbc:h2:file:" + h2File, null, null, pool, h2File.getParent())
                : StateStore.open(pg.url(), pg.user(), pg.password(), pool, null);
    }
}
