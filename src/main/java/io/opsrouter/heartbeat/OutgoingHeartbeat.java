package io.opsrouter.heartbeat;

import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.app.HealthPart;
import io.opsrouter.app.HealthService;
import io.opsrouter.metrics.MeterNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watching the watcher: every interval the router GETs {@code ROUTER_HEARTBEAT_URL} while every part of
 * {@code /health} is ready, and {@code <url>/fail} naming nothing when one is not, so that a watcher outside (a
 * healthchecks.io check, or another router's {@code /ping/<key>}) notices when this router is dead or sick. The URL
 * holds the watcher's key: it is never logged.
 */
public final class OutgoingHeartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutgoingHeartbeat.class);

    private final URI url;
    private final Duration interval;
    private final HealthService health;
    private final MeterRegistry meters;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private ScheduledExecutorService timer;
    private volatile boolean lastFailed;

    public OutgoingHeartbeat(URI url, Duration interval, HealthService health, MeterRegistry meters) {
        this.url = url;
        this.interval = interval;
        this.health = health;
        this.meters = meters;
    }

    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outgoing-heartbeat");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::send, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info(
                "outgoing heartbeat: this router pings its watcher every {} (the URL is ROUTER_HEARTBEAT_URL)",
                interval);
    }

    /** One ping: {@code <url>} when healthy, {@code <url>/fail} when not. */
    void send() {
        try {
            List<HealthPart> parts = health.check();
            boolean ready = HealthService.ready(parts);
            URI target = ready ? url : URI.create(url + "/fail");
            HttpResponse<Void> r = http.send(
                    HttpRequest.newBuilder(target)
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            boolean ok = r.statusCode() / 100 == 2;
            meters.counter(MeterNames.OUTGOING_HEARTBEATS, "outcome", !ok ? "error" : ready ? "ok" : "fail")
                    .increment();
            if (!ok) LOG.warn("outgoing heartbeat: the watcher answered {}", r.statusCode());
            if (!ready && !lastFailed) {
                LOG.warn(
                        "outgoing heartbeat: told the watcher this router is not healthy (not ready: {})",
                        parts.stream()
                                .filter(p -> !p.up())
                                .map(HealthPart::name)
                                .toList());
            }
            lastFailed = !ready;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            meters.counter(MeterNames.OUTGOING_HEARTBEATS, "outcome", "error").increment();
            LOG.warn(
                    "outgoing heartbeat: the watcher could not be reached: {}",
                    e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        if (timer != null) timer.shutdownNow();
    }
}
