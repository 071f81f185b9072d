package io.opsrouter.heartbeat;

import io.opsrouter.alert.Signal;
import io.opsrouter.app.Beans;
import io.opsrouter.app.HealthPart;
import io.opsrouter.app.RouterContext;
import io.opsrouter.app.RouterModule;
import io.opsrouter.outbox.ChannelDirectory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeats: jobs that must ping ({@code kind: heartbeat} in {@code config/monitors.yaml}), Alertmanager's dead
 * man's switch, the router's own schedules, the outgoing heartbeat to a watcher, and the warning when the router
 * can page nobody. Flows in {@code routes/heartbeats.yaml}; see docs/heartbeats.md.
 */
public final class HeartbeatModule implements RouterModule {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatModule.class);

    private RouterContext ctx;
    private HeartbeatSettings settings;
    private HeartbeatChecker checker;
    private DeadMansSwitch watchdog;
    private ScheduleBeats schedules;
    private HeartbeatMeters meters;
    private OutgoingHeartbeat outgoing;
    private final AtomicReference<ProducerTemplate> producer = new AtomicReference<>();

    @Override
    public String name() {
        return "heartbeats";
    }

    @Override
    public void configure(RouterContext ctx, Beans beans) {
        this.ctx = ctx;
        settings = HeartbeatSettings.from(ctx.settings());
        List<Heartbeat> heartbeats = HeartbeatsFile.load(ctx.core().home(), settings.file(), ctx.env());
        for (Heartbeat h : heartbeats) {
            if (!h.enabled()) LOG.info("heartbeat {} is disabled: {}", h.id(), h.disabledReason());
        }
        HeartbeatStore store = new HeartbeatStore(ctx.store());
        checker = new HeartbeatChecker(heartbeats, store, ctx.clock(), this::signal);
        watchdog = new DeadMansSwitch(settings, store, ctx.clock(), this::signal);
        schedules = new ScheduleBeats(
                schedulePeriods(ctx), Duration.ofMinutes(1), settings.scheduleGrace(), ctx.clock(), this::signal);
        meters = new HeartbeatMeters(ctx.metrics().registry(), checker);
        beans.bind("heartbeatSettings", settings);
        beans.bind("heartbeatChecker", checker);
        beans.bind(DeadMansSwitch.BEAN, watchdog);
        beans.bind(ScheduleBeats.BEAN, schedules);
        beans.bind(
                PingEndpoint.BEAN,
                new PingEndpoint(
                        checker,
                        settings.pingsPerMinute(),
                        settings.bodyLimitBytes(),
                        ctx.metrics().registry()));
        beans.bind(HeartbeatsApi.BEAN, new HeartbeatsApi(checker, watchdog, schedules, settings));
        beans.bind("heartbeatMeters", (Runnable) () -> meters.seen(watchdog, schedules));
        ctx.health().register("schedules", () -> {
            List<String> stalled = schedules.stalled();
            return stalled.isEmpty()
                    ? HealthPart.up("schedules", schedules.lastBeats().size() + " schedules run on time")
                    : HealthPart.down("schedules", "stalled: " + String.join(", ", stalled));
        });
        settings.outgoingUrl()
                .ifPresent(url -> outgoing = new OutgoingHeartbeat(
                        url,
                        settings.outgoingInterval(),
                        ctx.health(),
                        ctx.metrics().registry()));
    }

    /** How often each of the router's own schedules runs. */
    private static Map<String, Duration> schedulePeriods(RouterContext ctx) {
        long sweepMs = ctx.settings().integer("alerts.sweep-period-ms", null, 5000, 1, Integer.MAX_VALUE);
        return Map.of(
                "alerts-sweep",
                Duration.ofMillis(sweepMs),
                "backup-watch",
                Duration.ofMinutes(5),
                "backup-scheduler",
                Duration.ofMinutes(1),
                ScheduleBeats.PROBE_SCHEDULER,
                Duration.ofSeconds(30));
    }

    @Override
    public void started(CamelContext camel) {
        producer.set(camel.createProducerTemplate());
        ChannelDirectory channels =
                camel.getRegistry().lookupByNameAndType(ChannelDirectory.BEAN, ChannelDirectory.class);
        PagingReadiness paging = PagingReadiness.of(
                channels == null ? ChannelDirectory.LOG_ONLY : channels,
                PagingReadiness.policiesIn(ctx.core().home(), ctx.env()),
                ctx.core().publicUrl());
        paging.register(ctx.metrics().registry());
        ctx.health().registerDegraded("paging", paging::reasons);
        if (!paging.reasons().isEmpty()) {
            LOG.warn(
                    "This router may page nobody: {}. See docs/heartbeats.md#a-router-that-pages-nobody",
                    String.join("; ", paging.reasons()));
        }
        if (outgoing != null) outgoing.start();
    }

    private void signal(Signal s) {
        ProducerTemplate p = producer.get();
        if (p == null) {
            LOG.warn("heartbeat signal before start dropped: {}", s.name());
            return;
        }
        p.sendBody(Signal.ENDPOINT, s);
    }

    @Override
    public void stop() {
        if (outgoing != null) outgoing.close();
        ProducerTemplate p = producer.getAndSet(null);
        if (p != null) {
            try {
                p.stop();
            } catch (RuntimeException e) {
                LOG.debug("stopping the producer: {}", e.getMessage());
            }
        }
    }
}
