package io.opsrouter.ingest;

import io.opsrouter.app.BearerAuth;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * What a request must pass before its body is read: the per-client rate limit, the credentials and a JSON
 * content type. The rate limit comes first, so a client guessing tokens is throttled too.
 */
public final class IngestGate {
    static final String CLIENT = "ingestClient";
    private final ClientRateLimiter limiter;
    private final BearerAuth auth;
    private final EventSignature signature;
    private final BoundedBody body;

    public IngestGate(ClientRateLimiter limiter, BearerAuth auth, EventSignature signature, BoundedBody body) {
        this.limiter = limiter;
        this.auth = auth;
        this.signature = signature;
        this.body = body;
    }

    public void limitRate(Exchange exchange) {
        if (exchange.getIn().getBody() instanceof io.vertx.core.http.HttpServerRequest request) {
            exchange.setProperty(BoundedBody.REQUEST, request);
        }
        long wait = limiter.tryAcquire(clientOf(exchange));
        if (wait > 0) throw IngestRefusal.rateLimited(wait);
    }

    /** Bearer or basic with ROUTER_WEBHOOK_TOKEN; open when no token is set. */
    public void requireToken(Exchange exchange) {
        if (!auth.enabled()) return;
        if (!auth.accepts(exchange.getMessage().getHeader("Authorization", String.class))) {
            throw new IngestRefusal(401, "unauthorized", "missing or wrong credentials (Bearer ROUTER_WEBHOOK_TOKEN)", "Authorization");
        }
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
        EventSignature.Verified v = signature.verify(exchange.getMessage().getHeader(EventSignature.TIMESTAMP_HEADER, String.class),
                exchange.getMessage().getHeader(EventSignature.SIGNATURE_HEADER, String.class), raw);
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
        if (exchange.getIn() instanceof HttpMessage http && http.getRequest() != null && http.getRequest().remoteAddress() != null) {
            client = http.getRequest().remoteAddress().hostAddress();
        }
        exchange.setProperty(CLIENT, client);
        return client;
    }
}
