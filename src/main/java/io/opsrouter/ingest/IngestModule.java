package io.opsrouter.ingest;

import io.opsrouter.app.AuthFailures;
import io.opsrouter.app.Beans;
import io.opsrouter.app.BearerAuth;
import io.opsrouter.app.RouterContext;
import io.opsrouter.app.RouterModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network doors that feed the alert pipeline: Alertmanager's webhook, Alertmanager's API v2 (Prometheus
 * posting directly), and signed generic events. Flows in {@code routes/ingest.yaml}; these are its beans.
 */
public final class IngestModule implements RouterModule {
    private static final Logger LOG = LoggerFactory.getLogger(IngestModule.class);

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public void configure(RouterContext ctx, Beans beans) {
        IngestSettings s = IngestSettings.from(ctx.settings());
        IngestMeters meters = new IngestMeters(ctx.metrics().registry());
        BoundedBody body = new BoundedBody(s.maxBodyBytes(), s.readTimeout(), s.concurrentReads());
        EventSignature signature = new EventSignature(
                s.secret(), s.signatureTolerance(), IngestSettings.futureSkew(ctx.settings()), ctx.clock());
        // requests with the webhook token have their own budget; others share their address's
        IngestGate gate = new IngestGate(
                new ClientRateLimiter(s.rateLimit(), s.ratePeriod()),
                new ClientRateLimiter(s.tokenRateLimit(), s.ratePeriod()),
                AuthFailures.from(ctx.settings()),
                new BearerAuth(s.token()),
                signature,
                body);
        beans.bind("ingestGate", gate);
        beans.bind(
                "alertmanagerPayloads",
                new AlertmanagerPayloads(s.maxAlerts(), s.limits(), s.severities(), ctx.clock(), meters));
        beans.bind("eventPayloads", new EventPayloads(s.limits(), s.severities(), ctx.clock()));
        beans.bind("eventReplay", new EventReplay(new EventNonces(ctx.store(), ctx.clock()), meters));
        beans.bind("ingestAnswers", new IngestAnswers(meters, ctx.health(), gate));
        if (s.token().isEmpty()) {
            LOG.warn(
                    "ROUTER_WEBHOOK_TOKEN is not set: /webhooks/alertmanager and /api/v2/alerts accept alerts without credentials");
        }
        if (s.secret().isEmpty()) {
            LOG.info("ROUTER_WEBHOOK_SECRET is not set: /webhooks/events refuses every event");
        }
    }
}
