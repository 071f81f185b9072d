package io.opsrouter.alert;

import io.opsrouter.app.AuthFailures;
import io.opsrouter.app.Beans;
import io.opsrouter.app.HealthPart;
import io.opsrouter.app.RouterContext;
import io.opsrouter.app.RouterModule;
import io.opsrouter.config.ConfigReload;
import io.opsrouter.config.SettingsException;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.outbox.ChannelDirectory;
import io.opsrouter.store.StateStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.camel.CamelContext;

/**
 * The alert pipeline: loads and validates {@code config/alert-rules.yaml} and {@code config/escalation.yaml}, binds
 * the intake ({@code alertIntake}), the sweep, the API, and {@code channelAlarms} (a failing channel's P1). Which
 * channels deliver comes from the {@link ChannelDirectory} the delivery side binds; without one, only {@code log}.
 */
public final class AlertModule implements RouterModule {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AlertModule.class);
    public static final String ACK_TTL = "alerts.ack-link-ttl";
    public static final String SWEEP_TIMER = "alerts.sweep-timer";
    public static final String API_TOKEN = io.opsrouter.app.Credentials.API_TOKEN;

    public static final String RELOAD_INTERVAL = ConfigReload.INTERVAL;

    private volatile ChannelDirectory directory = ChannelDirectory.LOG_ONLY;
    private AlertEngine engine;
    private Duration reloadInterval;
    private ConfigReload reload;

    @Override
    public String name() {
        return "alerts";
    }

    @Override
    public void configure(RouterContext ctx, Beans beans) {
        SettingsSource s = ctx.settings();
        Path home = s.home();
        Path rulesFile = home.resolve(AlertRules.FILE);
        Path policyFile = home.resolve(EscalationPolicies.FILE);
        for (Path p : new Path[] {rulesFile, policyFile}) {
            if (!Files.isRegularFile(p)) {
                throw new SettingsException(
                        home.relativize(p).toString(),
                        null,
                        "is missing",
                        "copy it from the repository's config/ folder (see docs/alerts.md)");
            }
        }
        reloadInterval = ConfigReload.interval(s);
        AlertRules rules = AlertRules.load(rulesFile, ctx.env());
        EscalationPolicies policies = EscalationPolicies.load(policyFile, ctx.env(), rules.grouping()::repeatInterval);
        io.opsrouter.log.LogZone.use(policies.businessHours().zone());
        Duration ttl = s.duration(ACK_TTL, "ALERTS_ACK_LINK_TTL", Duration.ofHours(24));
        AckTokens tokens = new AckTokens(ackKey(s, ctx.store()), ttl);
        AlertMeters meters = new AlertMeters(ctx.metrics().registry());
        engine = new AlertEngine(
                ctx.store(), ctx.clock(), rules, policies, tokens, ctx.core().publicUrl(), () -> directory, meters);
        engine.watch(ctx.health().watchdog().part("alerts-intake"));
        // rules and policies are applied together, and only when both load and validate
        reload = new ConfigReload(
                "alerts",
                AlertRules.FILE + " and " + EscalationPolicies.FILE,
                List.of(rulesFile, policyFile),
                () -> {
                    AlertRules r = AlertRules.load(rulesFile, ctx.env());
                    EscalationPolicies p = EscalationPolicies.load(policyFile, ctx.env(), r.grouping()::repeatInterval);
                    engine.replaceConfig(r, p);
                    io.opsrouter.log.LogZone.use(p.businessHours().zone());
                    return r.rules().size() + " rules, " + p.people().size() + " people";
                },
                ctx.metrics().registry());
        boolean timer = s.bool(SWEEP_TIMER, "ALERTS_SWEEP_TIMER", true);

        beans.bind(AlertIntake.BEAN, engine);
        beans.bind("alertEngine", engine);
        beans.bind("alertSweep", new AlertSweep(engine, ctx.replicas(), timer));
        // the API's beans, one per resource (routes/api.yaml); the api route configuration authenticates first
        beans.bind("alertsResource", new AlertsResource(engine));
        beans.bind("silencesResource", new SilencesResource(engine));
        beans.bind("ackPage", new AckPage(engine, ctx.core().publicUrl(), AuthFailures.from(s)));
        beans.bind(ChannelAlarms.BEAN, new ChannelAlarms());
        ctx.health().register("alerts", this::health);
    }

    private HealthPart health() {
        AlertRules rules = engine.rules();
        String detail = rules.rules().size() + " rules, " + rules.inhibitions().size() + " inhibition rules, "
                + rules.maintenance().size() + " maintenance windows";
        return HealthPart.up("alerts", reload.health(detail));
    }

    @Override
    public void stop() {
        if (reload != null) reload.stop();
    }

    @Override
    public void started(CamelContext camel) {
        ChannelDirectory bound = camel.getRegistry().lookupByNameAndType(ChannelDirectory.BEAN, ChannelDirectory.class);
        if (bound != null) directory = bound;
        else
            LOG.warn(
                    "no {} bean (no delivery module): notifications go to the log channel only", ChannelDirectory.BEAN);
        engine.refreshMeters();
        reload.start(reloadInterval);
    }

    public AlertEngine engine() {
        return engine;
    }

    /** ROUTER_ACK_SECRET when set; otherwise a random key kept in the store, so links survive a restart and work on every replica. */
    static byte[] ackKey(SettingsSource s, StateStore store) {
        Optional<String> secret = s.secret("router.ack-secret", "ROUTER_ACK_SECRET");
        if (secret.isPresent()) {
            if (secret.get().length() < 16) {
                throw new SettingsException(
                        "environment",
                        "ROUTER_ACK_SECRET",
                        "is shorter than 16 characters",
                        "use a long random value, e.g. openssl rand -hex 32");
            }
            return secret.get().getBytes(StandardCharsets.UTF_8);
        }
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        String encoded = Base64.getEncoder().encodeToString(fresh);
        String stored = store.inTransaction(c -> {
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO router_meta (meta_key, meta_value, updated_at) VALUES ('alerts.ack-key', ?, ?) ON CONFLICT DO NOTHING")) {
                ins.setString(1, encoded);
                ins.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
                ins.executeUpdate();
            }
            try (PreparedStatement sel =
                            c.prepareStatement("SELECT meta_value FROM router_meta WHERE meta_key = 'alerts.ack-key'");
                    ResultSet rs = sel.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });
        return Base64.getDecoder().decode(stored);
    }
}
