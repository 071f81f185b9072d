package io.opsrouter.probe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs monitors: picks the prober for the kind, bounds every run by the monitor's timeout (plus a short grace for
 * the prober's own clean-up), and applies the conditions. Blocking probes (tls, tcp, sql, pg) run on a bounded
 * worker pool; http probes are asynchronous and hold no worker while they wait.
 */
public final class ProbeRunner implements AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(1);

    private final ExecutorService workers;
    private final Clock clock;
    private final TargetDb targetDb;
    private final Map<Kind, Prober> probers = new EnumMap<>(Kind.class);

    public ProbeRunner(int workerCount, Clock clock, TargetDb targetDb, int bodyLimit) {
        this.clock = clock;
        this.targetDb = targetDb;
        AtomicInteger n = new AtomicInteger();
        // as many threads as probes run at once, up to workerCount; idle ones end after a minute
        this.workers = ElasticPool.create(workerCount, 20_000, Duration.ofSeconds(60), r -> {
            Thread t = new Thread(r, "probe-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        probers.put(Kind.HTTP, new HttpProber(bodyLimit));
        probers.put(Kind.TLS, new TlsProber(workers, clock));
        probers.put(Kind.TCP, new TcpProber(workers));
        if (targetDb != null) {
            probers.put(Kind.SQL, new SqlProber(targetDb, workers));
            probers.put(Kind.PG, new PgMetricsProber(targetDb, workers));
        }
    }

    public ExecutorService workers() {
        return workers;
    }

    public CompletableFuture<ProbeResult> run(Monitor m) {
        Instant at = clock.instant();
        Prober p = probers.get(m.kind());
        CompletableFuture<Observation> seen;
        if (p == null) {
            seen = CompletableFuture.completedFuture(
                    Observation.failed(Duration.ZERO, TargetDb.URL_ENV + " is not set"));
        } else {
            try {
                seen = p.probe(m);
            } catch (RejectedExecutionException e) {
                seen = CompletableFuture.completedFuture(
                        Observation.failed(Duration.ZERO, "probe pool is full; run skipped"));
            } catch (RuntimeException e) {
                seen = CompletableFuture.completedFuture(
                        Observation.failed(Duration.ZERO, HttpProber.describe(e, m.timeout())));
            }
        }
        Duration limit = m.timeout().plus(GRACE);
        return seen.completeOnTimeout(
                        Observation.failed(
                                limit, "no answer after " + io.opsrouter.config.Durations.format(m.timeout())),
                        limit.toMillis(),
                        TimeUnit.MILLISECONDS)
                .thenApply(o -> ProbeResult.of(m, at, o));
    }

    @Override
    public void close() {
        probers.values().forEach(Prober::close);
        workers.shutdownNow();
        if (targetDb != null) targetDb.close();
    }
}
