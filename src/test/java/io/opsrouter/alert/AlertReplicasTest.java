package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.store.StateStore;
import io.opsrouter.testing.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Two routers on one PostgreSQL, each taking the same signals at once (Alertmanager HA sends to both). */
class AlertReplicasTest {
    @Test
    void twoReplicasTakingTheSameSignalsMakeOneAlertAndOneMessageEach() throws Exception {
        MovableClock clock = new MovableClock(AlertFixture.NIGHT);
        try (TestPostgres.Database db = TestPostgres.createDatabase("replicas");
                AlertFixture a = new AlertFixture(
                        StateStore.open(db.url(), db.user(), db.password(), 4, null),
                        clock,
                        AlertFixture.RULES,
                        AlertFixture.ALL);
                AlertFixture b = new AlertFixture(
                        StateStore.open(db.url(), db.user(), db.password(), 4, null),
                        clock,
                        AlertFixture.RULES,
                        AlertFixture.ALL)) {
            List<Signal> batch = new ArrayList<>();
            for (int i = 0; i < 40; i++) batch.add(AlertFixture.firing("supabase-" + i, "svc-" + (i % 4)));
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Callable<Void>> work = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    AlertEngine e = (t % 2 == 0 ? a : b).engine;
                    work.add(() -> {
                        e.accept(batch);
                        return null;
                    });
                }
                for (Future<Void> f : pool.invokeAll(work)) f.get();
                assertThat(a.engine.list(null, null, Map.of(), 1000)).hasSize(40);

                clock.advance(Duration.ofSeconds(30));
                List<Callable<AlertEngine.SweepResult>> sweeps =
                        List.of(a.engine::sweep, b.engine::sweep, a.engine::sweep);
                for (Future<AlertEngine.SweepResult> f : pool.invokeAll(sweeps)) f.get();
            } finally {
                pool.shutdownNow();
            }
            // four groups (svc-0..3), each announced once to slack, Pat's SMS and Pat's e-mail
            List<AlertFixture.Row> rows = a.outbox();
            assertThat(rows).hasSize(12);
            assertThat(rows).extracting(AlertFixture.Row::key).doesNotHaveDuplicates();
            assertThat(rows).allMatch(r -> r.notification().alerts().size() == 10);
        }
    }
}
