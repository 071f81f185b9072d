package io.opsrouter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.opsrouter.config.Env;
import io.opsrouter.testing.RouterHarness;
import io.opsrouter.testing.TestPostgres;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SqlProbersTest {
    private static TestPostgres.Database db;
    private static ProbeRunner runner;
    private static Map<String, Monitor> shipped;

    @BeforeAll
    static void start() throws Exception {
        db = DemoDatabase.create();
        DemoDatabase.execute(db, DemoDatabase.BAD_DAY);
        Env env = new Env(DemoDatabase.env(db));
        runner = new ProbeRunner(4, Clock.systemUTC(), TargetDb.fromEnv(env, 2), HttpProber.DEFAULT_BODY_LIMIT);
        shipped = new HashMap<>();
        MonitorsFile.load(RouterHarness.REPO, MonitorsFile.DEFAULT_FILE, env).forEach(m -> shipped.put(m.id(), m));
    }

    @AfterAll
    static void stop() {
        runner.close();
        db.close();
    }

    private static ProbeResult run(String id) {
        return runner.run(shipped.get(id)).join();
    }

    @Test
    void p1CallsWaitingLongerThanAMinuteAreCountedAndFail() {
        ProbeResult r = run("p1-unprocessed");
        assertThat(r.observation().error()).isNull();
        assertThat(r.values()).containsEntry("unprocessed_p1", 1.0);
        assertThat(r.success()).isFalse();
        assertThat(r.detail()).isEqualTo("unprocessed_p1 == 0 (got 1)");
    }

    @Test
    void callErrorRateAndVolumeAndConversion() {
        ProbeResult errors = run("call-error-rate");
        assertThat(errors.values().get("error_rate"))
                .isCloseTo(0.25, within(1e-9)); // 1 failed of 4 in the last 5 minutes
        assertThat(errors.values()).containsEntry("calls_last_5m", 4.0);
        assertThat(errors.success()).isFalse();

        ProbeResult volume = run("call-volume");
        assertThat(volume.success()).isTrue();
        assertThat(volume.values()).containsEntry("calls_last_hour", 5.0);

        ProbeResult conversion = run("conversion-rate");
        assertThat(conversion.values().get("conversion_ratio")).isCloseTo(1.0 / 6, within(1e-9));
    }

    @Test
    void revenueDownThirtyPercentOnTheSameDayLastWeekFails() {
        ProbeResult r = run("revenue-week-over-week");
        assertThat(r.values().get("revenue_change_ratio")).isCloseTo(-0.3, within(1e-9));
        assertThat(r.values())
                .containsEntry("revenue_last_day", 700.0)
                .containsEntry("revenue_same_day_last_week", 1000.0);
        assertThat(r.success()).isFalse();
        assertThat(r.detail()).isEqualTo("revenue_change_ratio > -0.2 (got -0.3)");
    }

    @Test
    void builtInDatabaseMetricsNeedNoSql() throws Exception {
        ProbeResult first = run("postgres");
        assertThat(first.success()).as(first.detail()).isTrue();
        assertThat(first.observation().values()).containsOnlyKeys(PgMetricsProber.NAMES);
        Map<String, Double> v = first.values();
        assertThat(v.get("connections_used_ratio")).isBetween(0.0, 0.9);
        assertThat(v.get("database_size_bytes")).isGreaterThan(1_000_000.0);
        assertThat(v.get("cache_hit_ratio")).isBetween(0.0, 1.0);
        assertThat(v.get("dead_tuple_ratio_max")).isBetween(0.0, 1.0);
        assertThat(v.get("longest_query_seconds")).isGreaterThanOrEqualTo(0.0);
        assertThat(v.get("longest_idle_in_transaction_seconds")).isGreaterThanOrEqualTo(0.0);
        assertThat(v.get("replication_lag_seconds")).isGreaterThanOrEqualTo(0.0);
        assertThat(v).containsEntry("deadlocks", 0.0).containsEntry("rollbacks", 0.0);
        try (java.sql.Connection c = db.connect()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 3; i++) {
                c.createStatement().execute("SELECT 1");
                c.rollback();
            }
        }
        double[] rollbacks = {0};
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(15))
                .pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> (rollbacks[0] += run("postgres").values().get("rollbacks")) >= 3);
    }

    @Test
    void aLongQueryIsCancelledAtTheTimeoutAndFails() {
        Monitor slow = Monitors.one("""
                - id: slow
                  kind: sql
                  timeout: 300ms
                  query: SELECT pg_sleep(5) IS NULL AS slept
                """, DemoDatabase.env(db));
        long start = System.nanoTime();
        ProbeResult r = runner.run(slow).join();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2500);
        assertThat(r.success()).isFalse();
        assertThat(r.detail()).isEqualTo("query cancelled after 300ms");
    }

    @Test
    void queriesAreReadOnlyAndErrorsAreFailures() {
        Monitor write = Monitors.one("""
                - id: write
                  kind: sql
                  query: UPDATE calls SET status = 'processed' RETURNING 1 AS changed
                """, DemoDatabase.env(db));
        ProbeResult r = runner.run(write).join();
        assertThat(r.success()).isFalse();
        assertThat(r.detail()).contains("read-only transaction");
        assertThat(run("p1-unprocessed").values()).containsEntry("unprocessed_p1", 1.0);

        Monitor broken =
                Monitors.one("- id: b\n  kind: sql\n  query: SELECT nothing FROM nowhere\n", DemoDatabase.env(db));
        assertThat(runner.run(broken).join().detail())
                .startsWith("query failed: ERROR: relation \"nowhere\" does not exist");

        Monitor text = Monitors.one("- id: t\n  kind: sql\n  query: SELECT 'abc' AS word\n", DemoDatabase.env(db));
        assertThat(runner.run(text).join().detail()).isEqualTo("column word is not a number: abc");

        Monitor none =
                Monitors.one("- id: n\n  kind: sql\n  query: SELECT 1 AS one WHERE false\n", DemoDatabase.env(db));
        assertThat(runner.run(none).join().detail()).isEqualTo("the query returned no row");
    }

    @Test
    void emptyTablesPassEveryBusinessCheck() throws Exception {
        try (TestPostgres.Database empty = DemoDatabase.create();
                ProbeRunner r = new ProbeRunner(
                        2, Clock.systemUTC(), TargetDb.fromEnv(new Env(DemoDatabase.env(empty)), 2), 1024)) {
            List<Monitor> ms =
                    MonitorsFile.load(RouterHarness.REPO, MonitorsFile.DEFAULT_FILE, new Env(DemoDatabase.env(empty)));
            for (Monitor m : ms) {
                if (m.kind() != Kind.SQL) continue;
                ProbeResult res = r.run(m).join();
                assertThat(res.success()).as(m.id() + ": " + res.detail()).isTrue();
            }
        }
    }
}
