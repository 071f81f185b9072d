package io.opsrouter.ingest;

import io.opsrouter.testing.RouterHarness;
import io.opsrouter.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;

class PoisonBatchPostgresTest extends PoisonBatchContract {
    TestPostgres.Database db;

    @Override
    RouterHarness withStore(RouterHarness router) {
        db = TestPostgres.createDatabase("poisonbatch");
        return router.database(db);
    }

    @AfterAll
    void dropDatabase() {
        if (db != null) db.close();
    }
}
