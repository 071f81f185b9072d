package io.opsrouter.probe;

import io.opsrouter.alert.Signal;
import io.opsrouter.app.Beans;
import io.opsrouter.app.HealthPart;
import io.opsrouter.app.RouterContext;
import io.opsrouter.app.RouterModule;
import io.opsrouter.config.SettingsException;
import io.opsrouter.config.WatchedFiles;
import io.opsrouter.metrics.MeterNames;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes: loads {@code config/monitors.yaml} (a bad monitor stops start-up), runs every enabled monitor on its
 * schedule, applies the thresholds and records the meters of each result ({@link ProbeResults}), and sends the due
 * signals to {@code direct:probe-signal} ({@code routes/probes.yaml}), which hands them to the alert pipeline.
 * Results do not travel through Camel one by one: camel-micrometer's exchange notifier searches every meter on each
 * exchange, which at 2,000 monitors cost more CPU than the probes themselves (see docs/probes.md).
 * When the file changes it is reloaded; a file that does not validate is refused and the running monitors stay.
 */
public final class ProbeModule implements RouterModule {
    /** Where due signals go ({@code routes/probes.yaml} forwards them to the alert pipeline). */
    public static final String SIGNAL_ENDPOINT = "direct:probe-signal";

    private static final Logger LOG = LoggerFactory.getLogger(ProbeModule.class);
    /** The router's schedules check in here (io.opsrouter.heartbeat.ScheduleBeats); ignored at once when nobody listens. */
    private static final String SCHEDULE_BEAT_ENDPOINT = "direct:schedule-beat?block=false&failIfNoConsumers=false";

    private static final java.time.Duration SCHEDULER_BEAT = java.time.Duration.ofSeconds(30);

    private RouterContext ctx;
    private ProbeSettings settings;
    private Path file;
    private WatchedFiles watched;
    private ProbeMeters meters;
    private ProbeResults results;
    private ProducerTemplate producer;
    private ScheduledExecutorService watcher;
    private volatile Generation running;
    private volatile Generation prepared;
    private ProbeOwnership ownership;

    /** The monitors of one version of the file, with the runner and scheduler that run them. */
    private record Generation(List<Monitor> monitors, ProbeRunner runner, ProbeScheduler[] scheduler) {
        void close() {
            if (scheduler[0] != null) scheduler[0].close();
            runner.close();
        }
    }

    @Override
    public String name() {
        return "probes";
    }

    @Override
    public void configure(RouterContext ctx, Beans beans) {
        this.ctx = ctx;
        settings = ProbeSettings.from(ctx.settings());
        file = ctx.core().home().resolve(settings.file());
        watched = new WatchedFiles(List.of(file));
        List<Monitor> monitors = MonitorsFile.load(ctx.core().home(), settings.file(), ctx.env());
        logDisabled(monitors);
        List<Monitor> enabled = monitors.stream().filter(Monitor::enabled).toList();
        meters = new ProbeMeters(ctx.metrics().registry(), enabled);
        results = new ProbeResults(monitors, meters);
        prepared = generation(monitors);
        ownership = new ProbeOwnership(ctx.replicas().id(), ctx.replicas()::live);
        ctx.replicas().onChange(() -> {
            Generation g = running;
            if (g != null) LOG.info("probes: this replica now polls {} of the monitors", owned(g));
        });
        ctx.health().role("monitors", () -> owned(running != null ? running : prepared));
        io.micrometer.core.instrument.Gauge.builder(
                        MeterNames.REPLICA_MONITORS, this, p -> owned(p.running != null ? p.running : p.prepared))
                .description("Enabled monitors this replica polls (each monitor is polled by one replica)")
                .register(ctx.metrics().registry());
        beans.bind(ProbeResults.BEAN, results);
        beans.bind(MonitorsApi.BEAN, new MonitorsApi(results));
        ctx.health().register("probes", () -> {
            Generation g = running != null ? running : prepared;
            long on = g.monitors().stream().filter(Monitor::enabled).count();
            return HealthPart.up(
                    "probes", on + " monitors enabled, " + (g.monitors().size() - on) + " disabled");
        });
    }

    private long owned(Generation g) {
        return g == null ? 0 : ownership.owned(g.monitors());
    }

    private Generation generation(List<Monitor> monitors) {
        boolean needsDb =
                monitors.stream().anyMatch(m -> m.enabled() && m.kind().usesTargetDb());
        TargetDb db = needsDb ? TargetDb.fromEnv(ctx.env(), settings.targetPoolSize()) : null;
        return new Generation(
                monitors,
                new ProbeRunner(settings.workers(), ctx.clock(), db, settings.bodyLimitBytes()),
                new ProbeScheduler[1]);
    }

    @Override
    public void started(CamelContext camel) {
        producer = camel.createProducerTemplate();
        start(prepared);
        watcher = WatchedFiles.every(settings.reloadInterval(), "probe-reload", this::reloadIfChanged);
    }

    private void start(Generation g) {
        ProbeScheduler s = new ProbeScheduler(g.runner(), meters, this::deliver, this::retrying, ctx.clock());
        g.scheduler()[0] = s;
        s.pollOnly(ownership::owns);
        running = g;
        s.start(g.monitors());
        s.beatEvery(
                SCHEDULER_BEAT,
                () -> producer.sendBodyAndHeader(SCHEDULE_BEAT_ENDPOINT, null, "schedule", "probe-scheduler"));
    }

    private boolean retrying(Monitor m) {
        MonitorState state = results.state(m.id());
        return state != null && state.monitor().equals(m) && state.retrying();
    }

    private void deliver(ProbeResult r) {
        Signal signal = results.record(r);
        if (signal != null) producer.sendBody(SIGNAL_ENDPOINT, signal);
    }

    /**
     * Reloads the monitors file when its content changed and then stayed the same for one more check (so a file
     * caught half-written by an editor is not applied); a file that does not validate keeps the running monitors.
     */
    synchronized void reloadIfChanged() {
        try {
            if (!watched.changedAndSettled()) return;
            List<Monitor> monitors;
            try {
                monitors = MonitorsFile.load(ctx.core().home(), settings.file(), ctx.env());
            } catch (SettingsException e) {
                ctx.metrics()
                        .registry()
                        .counter(MeterNames.MONITOR_RELOADS, "outcome", "refused")
                        .increment();
                LOG.error("{} not reloaded, the running monitors stay: {}", settings.file(), e.getMessage());
                return;
            }
            logDisabled(monitors);
            Generation next = generation(monitors);
            Generation old = running;
            results.replace(monitors);
            meters.update(monitors.stream().filter(Monitor::enabled).toList());
            if (old != null) old.close();
            start(next);
            ctx.metrics()
                    .registry()
                    .counter(MeterNames.MONITOR_RELOADS, "outcome", "applied")
                    .increment();
            LOG.info(
                    "{} reloaded: {} monitors, {} enabled",
                    settings.file(),
                    monitors.size(),
                    monitors.stream().filter(Monitor::enabled).count());
        } catch (RuntimeException e) {
            LOG.error("reloading {} failed, the running monitors stay: {}", settings.file(), e.toString());
        }
    }

    private static void logDisabled(List<Monitor> monitors) {
        for (Monitor m : monitors) {
            if (!m.enabled()) LOG.info("monitor {} is disabled: {}", m.id(), m.disabledReason());
        }
    }

    @Override
    public void stop() {
        if (watcher != null) watcher.shutdownNow();
        Generation g = running != null ? running : prepared;
        if (g != null) g.close();
        if (producer != null) {
            try {
                producer.stop();
            } catch (RuntimeException e) {
                LOG.debug("stopping the producer: {}", e.getMessage());
            }
        }
    }
}
