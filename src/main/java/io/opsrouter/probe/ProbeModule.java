package io.opsrouter.probe;

import io.opsrouter.app.BearerAuth;
import io.opsrouter.app.Beans;
import io.opsrouter.app.HealthPart;
import io.opsrouter.app.RouterContext;
import io.opsrouter.app.RouterModule;
import java.util.List;
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
 */
public final class ProbeModule implements RouterModule {
    /** Where due signals go ({@code routes/probes.yaml} forwards them to the alert pipeline). */
    public static final String SIGNAL_ENDPOINT = "direct:probe-signal";
    private static final Logger LOG = LoggerFactory.getLogger(ProbeModule.class);

    private RouterContext ctx;
    private List<Monitor> monitors;
    private ProbeRunner runner;
    private ProbeMeters meters;
    private ProbeScheduler scheduler;
    private ProducerTemplate producer;
    private ProbeResults results;

    @Override
    public String name() {
        return "probes";
    }

    @Override
    public void configure(RouterContext ctx, Beans beans) {
        this.ctx = ctx;
        ProbeSettings settings = ProbeSettings.from(ctx.settings());
        monitors = MonitorsFile.load(ctx.core().home(), settings.file(), ctx.env());
        for (Monitor m : monitors) {
            if (!m.enabled()) LOG.info("monitor {} is disabled: {}", m.id(), m.disabledReason());
        }
        List<Monitor> enabled = monitors.stream().filter(Monitor::enabled).toList();
        TargetDb db = enabled.stream().anyMatch(m -> m.kind().usesTargetDb())
                ? TargetDb.fromEnv(ctx.env(), settings.targetPoolSize()) : null;
        runner = new ProbeRunner(settings.workers(), ctx.clock(), db, settings.bodyLimitBytes());
        meters = new ProbeMeters(ctx.metrics().registry(), enabled);
        results = new ProbeResults(monitors, meters);
        beans.bind(ProbeResults.BEAN, results);
        beans.bind(MonitorsApi.BEAN, new MonitorsApi(results, new BearerAuth(ctx.env().get(MonitorsApi.TOKEN_ENV))));
        ctx.health().register("probes", () -> HealthPart.up("probes",
                enabled.size() + " monitors enabled, " + (monitors.size() - enabled.size()) + " disabled"));
    }

    @Override
    public void started(CamelContext camel) {
        producer = camel.createProducerTemplate();
        scheduler = new ProbeScheduler(runner, meters, r -> {
            io.opsrouter.alert.Signal signal = results.record(r);
            if (signal != null) producer.sendBody(SIGNAL_ENDPOINT, signal);
        }, ctx.clock());
        scheduler.start(monitors);
    }

    @Override
    public void stop() {
        if (scheduler != null) scheduler.close();
        if (runner != null) runner.close();
        if (producer != null) {
            try {
                producer.stop();
            } catch (RuntimeException e) {
                LOG.debug("stopping the producer: {}", e.getMessage());
            }
        }
    }
}
