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
 * schedule, and hands each result to {@code direct:probe-result} ({@code routes/probes.yaml}), which records it and
 * sends the due signals to the alert pipeline.
 */
public final class ProbeModule implements RouterModule {
    public static final String RESULT_ENDPOINT = "direct:probe-result";
    private static final Logger LOG = LoggerFactory.getLogger(ProbeModule.class);

    private RouterContext ctx;
    private List<Monitor> monitors;
    private ProbeRunner runner;
    private ProbeMeters meters;
    private ProbeScheduler scheduler;
    private ProducerTemplate producer;

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
        ProbeResults results = new ProbeResults(monitors, meters);
        beans.bind(ProbeResults.BEAN, results);
        beans.bind(MonitorsApi.BEAN, new MonitorsApi(results, new BearerAuth(ctx.env().get(MonitorsApi.TOKEN_ENV))));
        ctx.health().register("probes", () -> HealthPart.up("probes",
                enabled.size() + " monitors enabled, " + (monitors.size() - enabled.size()) + " disabled"));
    }

    @Override
    public void started(CamelContext camel) {
        producer = camel.createProducerTemplate();
        scheduler = new ProbeScheduler(runner, meters, r -> producer.sendBody(RESULT_ENDPOINT, r), ctx.clock());
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
