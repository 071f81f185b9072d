package io.opsrouter.outbox;

import io.opsrouter.store.StateStore;
import io.opsrouter.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;

class OutboxStormPostgresTest extends OutboxStormContract {
    private TestPostgres.Database db;

    @Override
    StateStore openStore() {
        db = TestPostgres.createDatabase("outbox_storm");
        return StateStore.open(db.url(), db.user(), db.password(), 4, null);
    }

    @Override
    int folders() {
        return 2;
    }

    @AfterEach
    void drop() {
        if (store != null) store.close();
        store = null;
        if (db != null) db.close();
    }
}
