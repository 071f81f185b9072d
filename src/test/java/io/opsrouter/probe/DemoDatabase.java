package io.opsrouter.probe;

import io.opsrouter.testing.RouterHarness;
import io.opsrouter.testing.TestPostgres;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;

/** A fresh PostgreSQL database with config/sql/demo-schema.sql loaded, and the TARGET_DB_* variables that reach it. */
final class DemoDatabase {
    private DemoDatabase() {}

    static TestPostgres.Database create() throws Exception {
        TestPostgres.Database db = TestPostgres.createDatabase("probe");
        execute(db, Files.readString(RouterHarness.REPO.resolve("config/sql/demo-schema.sql")));
        return db;
    }

    static void execute(TestPostgres.Database db, String sql) throws Exception {
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static Map<String, String> env(TestPostgres.Database db) {
        return Map.of("TARGET_DB_URL", db.url(), "TARGET_DB_USER", db.user(), "TARGET_DB_PASSWORD", db.password());
    }

    /** Calls and invoices that make each shipped business check fail: one P1 call waiting 5 minutes,
     *  a quarter of recent calls failed, revenue down 30 % on the same day last week. */
    static final String BAD_DAY = """
            INSERT INTO customers (id, name, phone) VALUES (1, 'Ada', '+4915100000001');
            INSERT INTO calls (customer_id, priority, status, received_at, processed_at) VALUES
              (1, 'P1', 'new',        now() - interval '5 minutes',  NULL),
              (1, 'P1', 'new',        now() - interval '10 seconds', NULL),
              (1, 'P2', 'new',        now() - interval '3 minutes',  NULL),
              (1, 'P1', 'processed',  now() - interval '4 minutes',  now() - interval '3 minutes'),
              (1, 'P3', 'failed',     now() - interval '2 minutes',  NULL),
              (1, 'P3', 'processed',  now() - interval '3 hours',    now() - interval '2 hours');
            INSERT INTO invoices (call_id, customer_id, amount_cents, issued_at) VALUES
              ((SELECT min(id) FROM calls WHERE status = 'processed'), 1, 70000, now() - interval '1 hour'),
              (NULL, 1, 100000, now() - interval '7 days 2 hours');
            """;
}
