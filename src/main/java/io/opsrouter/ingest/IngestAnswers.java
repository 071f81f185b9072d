package io.opsrouter.ingest;

import io.opsrouter.alert.IntakeBusyException;
import io.opsrouter.alert.Signal;
import io.opsrouter.app.ApiErrors;
import io.opsrouter.app.HealthService;
import io.opsrouter.log.LogThrottle;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers of the ingestion doors. A 2xx goes out only after the intake has returned, so what the sender saw
 * accepted is stored. A refusal is JSON {@code {"error","field"}}, logged without the body; anything that fails
 * after validation (the store) is a 503 so that Alertmanager retries.
 */
public final class IngestAnswers {
    public static final String ENDPOINT = "ingestEndpoint";
    private static final Logger LOG = LoggerFactory.getLogger(IngestAnswers.class);
    /** A refusal's line, per endpoint and reason: a sender decides how many refusals there are. */
    static final Duration LOG_PERIOD = Duration.ofSeconds(10);

    private final LogThrottle refusalLines = new LogThrottle(LOG_PERIOD);

    private final IngestMeters meters;
    private final HealthService health;
    private final IngestGate gate;

    public IngestAnswers(IngestMeters meters, HealthService health, IngestGate gate) {
        this.meters = meters;
        this.health = health;
        this.gate = gate;
    }

    /** The webhook and event answer: 200 with the count of alerts taken. */
    public void accepted(Exchange exchange) {
        int n = count(exchange);
        List<Map<String, Object>> refused = refusedAlerts(exchange);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", refused.isEmpty() ? "success" : "partial");
        body.put("accepted", n);
        if (!refused.isEmpty()) body.put("refused", refused);
        ApiErrors.json(exchange, 200, body);
        meters.request(endpoint(exchange), 200);
    }

    /**
     * Alertmanager's own API answers a successful POST /api/v2/alerts with 200 and no body; when some alerts of the
     * batch were refused, the 200 carries {@code {"accepted": N, "refused": [...]}} (Prometheus ignores the body).
     */
    public void acceptedNoBody(Exchange exchange) {
        int n = count(exchange);
        List<Map<String, Object>> refused = refusedAlerts(exchange);
        if (!refused.isEmpty()) {
            ApiErrors.json(exchange, 200, Map.of("status", "partial", "accepted", n, "refused", refused));
        } else {
            exchange.getMessage().setHeaders(new java.util.HashMap<>());
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            exchange.getMessage().setBody("");
        }
        meters.request(endpoint(exchange), 200);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> refusedAlerts(Exchange exchange) {
        List<RefusedAlert> refused = exchange.getProperty(RefusedAlert.PROPERTY, List.class);
        return refused == null
                ? List.of()
                : refused.stream().map(RefusedAlert::json).toList();
    }

    @SuppressWarnings("unchecked")
    private int count(Exchange exchange) {
        List<Signal> signals = exchange.getMessage().getBody(List.class);
        if (signals == null || signals.isEmpty()) return 0;
        meters.received(signals.get(0).source(), signals.size());
        return signals.size();
    }

    /** The route's error handler: every exception ends here, handled. */
    public void refused(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String endpoint = endpoint(exchange);
        String client = IngestGate.clientOf(exchange);
        boolean keepAlive = gate.settle(exchange);
        if (e instanceof IntakeBusyException busy) e = IngestRefusal.intakeBusy(busy.getMessage());
        if (e instanceof IngestRefusal r) {
            List<Map<String, Object>> refused = refusedAlerts(exchange);
            if (refused.isEmpty()) {
                ApiErrors.respond(exchange, r.status(), r.getMessage(), r.field());
            } else {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", r.getMessage());
                body.put("field", r.field());
                body.put("accepted", 0);
                body.put("refused", refused);
                ApiErrors.json(exchange, r.status(), body);
            }
            if (r.retryAfterSeconds() > 0)
                exchange.getMessage().setHeader("Retry-After", Long.toString(r.retryAfterSeconds()));
            if (r.status() == 401 && "Authorization".equals(r.field())) {
                exchange.getMessage().setHeader("WWW-Authenticate", "Bearer realm=\"ops-router\"");
            }
            if (r.status() == 408 || !keepAlive) BoundedBody.closeAfterAnswer(exchange);
            meters.refused(endpoint, r.reason());
            meters.request(endpoint, r.status());
            OptionalLong held = refusalLines.pass(endpoint + " " + r.reason());
            if (held.isPresent())
                LOG.info(
                        "refused {} from {}: {} {} (field {}){}",
                        endpoint,
                        client,
                        r.status(),
                        RefusedAlert.printable(r.getMessage()),
                        r.field() == null ? null : RefusedAlert.printable(r.field()),
                        LogThrottle.heldBack(held.getAsLong(), LOG_PERIOD));
            return;
        }
        ApiErrors.respond(exchange, 503, "the alerts could not be stored; retry", null);
        exchange.getMessage().setHeader("Retry-After", "5");
        meters.refused(endpoint, "store_failed");
        meters.request(endpoint, 503);
        // the type and the start of the message: a binding error's message lists every alert of the request
        OptionalLong held = refusalLines.pass(endpoint + " store_failed");
        if (held.isPresent())
            LOG.warn(
                    "could not store alerts from {} ({}): {}{}",
                    endpoint,
                    client,
                    e == null ? "unknown" : RefusedAlert.printable(e.toString()),
                    LogThrottle.heldBack(held.getAsLong(), LOG_PERIOD));
    }

    /** {@code GET /-/healthy}: the process answers, as Alertmanager answers it. */
    public void healthy(Exchange exchange) {
        plain(exchange, 200, "OK");
    }

    /** {@code GET /-/ready}: ready when every part of the router is. */
    public void ready(Exchange exchange) {
        boolean ready = HealthService.ready(health.check());
        plain(exchange, ready ? 200 : 503, ready ? "OK" : "Service Unavailable");
    }

    private static void plain(Exchange exchange, int status, String text) {
        exchange.getMessage().setHeaders(new java.util.HashMap<>());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getMessage().setBody(text);
    }

    private static String endpoint(Exchange exchange) {
        String e = exchange.getProperty(ENDPOINT, String.class);
        return e == null ? "unknown" : e;
    }
}
