package io.opsrouter.ingest;

import io.opsrouter.app.AuthFailures;
import io.opsrouter.app.BearerAuth;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * What a request must pass before its body is read: the rate limit, the credentials and a JSON content type.
 * A request carrying the valid webhook token spends the token's own budget; any other request spends its
 * address's, so an unauthenticated flood from an address Alertmanager shares never makes Alertmanager's
 * requests 429 (which Alertmanager does not retry). Wrong tokens count against the address: past
 * {@link AuthFailures}' budget they are answered 429 instead of 401.
 */
public final class IngestGate {
    static final String CLIENT = "ingestClient";
    static final String AUTHENTICATED = "ingestAuthenticated";
    private final ClientRateLimiter limiter;
    private final ClientRateLimiter tokenLimiter;
    private final AuthFailures failures;
    private final BearerAuth auth;
    private final EventSignature signature;
    private final BoundedBody body;

    public IngestGate(
            ClientRateLimiter limiter,
            ClientRateLimiter tokenLimiter,
            AuthFailures failures,
            BearerAuth auth,
            EventSignature signature,
            BoundedBody body) {
        this.limiter = limiter;
        this.tokenLimiter = tokenLimiter;
        this.failures = failures;
        this.auth = auth;
        this.signature = signature;
        this.body = body;
    }

    public void limitRate(Exchange exchange) {
        if (exchange.getIn().getBody() instanceof io.vertx.core.http.HttpServerRequest request) {
            exchange.setProperty(BoundedBody.REQUEST, request);
        }
        boolean authenticated =
                auth.enabled() && auth.accepts(exchange.getMessage().getHeader("Authorization", String.class));
        exchange.setProperty(AUTHENTICATED, authenticated);
        long wait = authenticated ? tokenLimiter.tryAcquire("webhook-token") : limiter.tryAcquire(clientOf(exchange));
        if (wait > 0) throw IngestRefusal.rateLimited(wait);
    }

    /** Bearer or basic with ROUTER_WEBHOOK_TOKEN; open when no token is set. */
    public void requireToken(Exchange exchange) {
        if (!auth.enabled()) return;
        if (Boolean.TRUE.equals(exchange.getProperty(AUTHENTICATED, Boolean.class))
                || auth.accepts(exchange.getMessage().getHeader("Authorization", String.class))) {
            return;
        }
        String address = clientOf(exchange);
        long wait = failures.waitSeconds(address);
        if (wait > 0) {
            throw new IngestRefusal(
                    429,
                    "too_many_failures",
                    "too many wrong tokens from this address; retry after " + wait + "s",
                    "Authorization",
                    wait);
        }
        failures.failed(address);
        throw new IngestRefusal(
                401, "unauthorized", "missing or wrong credentials (Bearer ROUTER_WEBHOOK_TOKEN)", "Authorization");
    }

    public void requireJson(Exchange exchange) {
        String type = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase();
        if (!mime.equals("application/json") && !(mime.startsWith("application/") && mime.endsWith("+json"))) {
            throw new IngestRefusal(415, "content_type", "send Content-Type: application/json", "Content-Type");
        }
    }

    /** Reads the raw body (bounded) and checks its HMAC before anything parses it. */
    public byte[] readSigned(Exchange exchange) {
        byte[] raw = body.read(exchange);
        EventSignature.Verified v = signature.verify(
                exchange.getMessage().getHeader(EventSignature.TIMESTAMP_HEADER, String.class),
                exchange.getMessage().getHeader(EventSignature.SIGNATURE_HEADER, String.class),
                raw);
        exchange.setProperty(EventReplay.VERIFIED, v);
        exchange.setProperty(EventReplay.RAW, raw);
        return raw;
    }

    public byte[] read(Exchange exchange) {
        return body.read(exchange);
    }

    /** Lets an unread body drain after a refusal; false when the connection should close instead. */
    boolean settle(Exchange exchange) {
        return body.settle(exchange);
    }

    /** The remote address the connection came from (a proxy in front makes every sender one client). */
    static String clientOf(Exchange exchange) {
        String known = exchange.getProperty(CLIENT, String.class);
        if (known != null) return known;
        String client = "unknown";
        if (exchange.getIn() instanceof HttpMessage http
                && http.getRequest() != null
                && http.getRequest().remoteAddress() != null) {
            client = http.getRequest().remoteAddress().hostAddress();
        }
        exchange.setProperty(CLIENT, client);
        return client;
    }
}
