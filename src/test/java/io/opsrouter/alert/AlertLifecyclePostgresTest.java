package io.opsrouter.alert;

import io.opsrouter.store.StateStore;
import io.opsrouter.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;

class AlertLifecyclePostgresTest extends AlertLifecycleContract {
    private TestPostgres.Database db;

    @Override
    StateStore openStore() {
        if (db == null) db = TestPostgres.createDatabase("alerts");
        return StateStore.open(db.url(), db.user(), db.password(), 4, null);
    }

    @AfterEach
    void drop() {
        if (f != null) f.close();
        if (db != null) db.close();
    }
}
