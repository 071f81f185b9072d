package io.opsrouter.alert;

import io.opsrouter.store.StateStore;
import io.opsrouter.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Figures for bench/alert-intake (not a timed test: it asserts nothing about speed and is excluded from the
 * default run). 10,000 signals for 2,000 distinct alerts through classification, the store and the outbox.
 */
@Tag("bench")
class AlertIntakeBench {
    static final int SIGNALS = Integer.getInteger("bench.signals", 10_000);
    static final int DISTINCT = Integer.getInteger("bench.alerts", 2_000);
    static final int BATCH = Integer.getInteger("bench.batch", 100);
    /** Each alert its own group (a storm of new groups, issue 16) instead of 50 services. */
    static final boolean OWN_GROUPS = Boolean.getBoolean("bench.own-groups");

    @Test
    void h2() throws Exception {
        Path dir = Files.createTempDirectory("alert-bench");
        run("H2 (embedded file)", StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, 8, dir));
    }

    @Test
    void postgres() {
        try (TestPostgres.Database db = TestPostgres.createDatabase("alertbench")) {
            run("PostgreSQL", StateStore.open(db.url(), db.user(), db.password(), 8, null));
        }
    }

    private void run(String label, StateStore store) {
        MovableClock clock = new MovableClock(AlertFixture.NIGHT);
        String rules = AlertFixture.RULES.replace("groupWait: 30s", "groupWait: 0s");
        try (AlertFixture f = new AlertFixture(store, clock, rules, AlertFixture.ALL)) {
            List<Signal> all = new ArrayList<>(SIGNALS);
            for (int i = 0; i < SIGNALS; i++) {
                int n = i % DISTINCT;
                all.add(new Signal(
                        "alertmanager",
                        "HighLatency",
                        Map.of(
                                "alertname",
                                "HighLatency",
                                "instance",
                                "host-" + n,
                                "service",
                                "svc-" + (OWN_GROUPS ? n : n % 50)),
                        Map.of("summary", "slow"),
                        Map.of("value", (double) i),
                        Signal.State.FIRING,
                        n % 10 == 0 ? Severity.P1 : Severity.P2,
                        Instant.now(),
                        null));
            }
            f.engine.accept(all.subList(0, BATCH)); // warm up the pool and the JIT a little
            long t0 = System.nanoTime();
            List<Long> latencies = new ArrayList<>();
            long firstPass = 0;
            for (int i = BATCH; i < all.size(); i += BATCH) {
                if (i >= DISTINCT && firstPass == 0) firstPass = System.nanoTime() - t0;
                long b0 = System.nanoTime();
                f.engine.accept(all.subList(i, Math.min(all.size(), i + BATCH)));
                latencies.add(System.nanoTime() - b0);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            int alerts = f.engine.list(null, null, Map.of(), 1000).size();
            long rows = f.outbox().size();
            // a probe settle: RESOLVED for fingerprints that were never firing
            List<Signal> unknown = new ArrayList<>();
            for (int i = 0; i < 1000; i++) unknown.add(AlertFixture.resolved("m-" + i, "x"));
            long u0 = System.nanoTime();
            for (int i = 0; i < 10; i++) f.engine.accept(unknown.subList(i * 100, i * 100 + 100));
            double unknownSecs = (System.nanoTime() - u0) / 1e9;
            clock.advance(Duration.ofMinutes(1));
            long s0 = System.nanoTime();
            AlertEngine.SweepResult sweep = f.engine.sweep();
            double sweepSecs = (System.nanoTime() - s0) / 1e9;
            latencies.sort(null);
            System.out.printf(
                    "%s: %d signals (%d distinct alerts, batches of %d) in %.2f s = %.0f signals/s;"
                            + " batch p50 %.1f ms p99 %.1f ms; %d alerts listed (max 1000), %d outbox rows%n",
                    label,
                    SIGNALS - BATCH,
                    DISTINCT,
                    BATCH,
                    secs,
                    (SIGNALS - BATCH) / secs,
                    latencies.get(latencies.size() / 2) / 1e6,
                    latencies.get((int) (latencies.size() * 0.99)) / 1e6,
                    alerts,
                    rows);
            System.out.printf(
                    "%s: the first %d signals, each a new alert, in %.2f s = %.0f new alerts/s; the %d repeats after them"
                            + " at %.0f signals/s%n",
                    label,
                    DISTINCT - BATCH,
                    firstPass / 1e9,
                    (DISTINCT - BATCH) / (firstPass / 1e9),
                    SIGNALS - DISTINCT,
                    (SIGNALS - DISTINCT) / (secs - firstPass / 1e9));
            System.out.printf(
                    "%s: 1000 RESOLVED for unknown alerts in %.1f ms; escalation sweep over %d alerts in %.0f ms%n",
                    label, unknownSecs * 1000, sweep.escalated() + sweep.reminded(), sweepSecs * 1000);
        }
    }
}
