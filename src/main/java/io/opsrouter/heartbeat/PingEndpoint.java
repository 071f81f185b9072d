package io.opsrouter.heartbeat;

import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.ingest.ClientRateLimiter;
import io.opsrouter.metrics.MeterNames;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Optional;
import org.apache.camel.Exchange;

/**
 * {@code /ping/<key>}, {@code /ping/<key>/start}, {@code /ping/<key>/fail}, {@code /ping/<key>/<exit-status>}, by GET,
 * HEAD or POST, answered as healthchecks.io answers ({@code 200 OK}, text). No credentials: the key is the secret.
 * An unknown key is a 404 that names no key; pings are rate-limited per key (429 with Retry-After); a POSTed body
 * is kept as the last ping's log up to the limit, and cut there, not refused.
 */
public final class PingEndpoint {
    public static final String BEAN = "heartbeatPings";
    private static final String UNKNOWN = "\u0000unknown";

    private final HeartbeatChecker checker;
    private final ClientRateLimiter limiter;
    private final int bodyLimit;
    private final MeterRegistry meters;

    public PingEndpoint(HeartbeatChecker checker, int pingsPerMinute, int bodyLimit, MeterRegistry meters) {
        this.checker = checker;
        this.limiter = new ClientRateLimiter(pingsPerMinute, Duration.ofMinutes(1));
        this.bodyLimit = bodyLimit;
        this.meters = meters;
    }

    public void ping(Exchange exchange) {
        String key = exchange.getMessage().getHeader("key", String.class);
        String action = exchange.getMessage().getHeader("action", String.class);
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        boolean head = "HEAD".equalsIgnoreCase(method);
        Optional<Heartbeat> h = checker.byKey(key);
        long wait = limiter.tryAcquire(h.map(Heartbeat::id).orElse(UNKNOWN));
        if (wait > 0) {
            refused(exchange, "rate_limited");
            answer(exchange, 429, "rate limited", head);
            exchange.getMessage().setHeader("Retry-After", Long.toString(wait));
            return;
        }
        if (h.isEmpty()) {
            refused(exchange, "unknown_key");
            answer(exchange, 404, "not found", head);
            return;
        }
        Ping ping = Ping.parse(action);
        if (ping == null) {
            refused(exchange, "bad_action");
            answer(exchange, 400, "invalid url format", head);
            return;
        }
        byte[] raw = "POST".equalsIgnoreCase(method) ? exchange.getMessage().getBody(byte[].class) : null;
        boolean truncated = raw != null && raw.length > bodyLimit;
        String body = raw == null || raw.length == 0 ? null : text(raw, Math.min(raw.length, bodyLimit));
        checker.ping(h.get(), ping, body, truncated);
        meters.counter(
                        MeterNames.HEARTBEAT_PINGS,
                        "heartbeat",
                        h.get().id(),
                        "kind",
                        ping.kind().name().toLowerCase())
                .increment();
        answer(exchange, 200, "OK", head);
    }

    private void refused(Exchange exchange, String reason) {
        meters.counter(MeterNames.HEARTBEAT_PINGS_REFUSED, "reason", reason).increment();
    }

    /** The first {@code length} bytes as UTF-8, a character cut in half at the end dropped. */
    static String text(byte[] raw, int length) {
        CharsetDecoder d = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        CharBuffer out = CharBuffer.allocate(length);
        d.decode(ByteBuffer.wrap(raw, 0, length), out, false);
        return out.flip().toString();
    }

    private static void answer(Exchange exchange, int status, String text, boolean head) {
        exchange.getMessage().setHeaders(new HashMap<>());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getMessage().setBody(head ? null : text);
    }
}
