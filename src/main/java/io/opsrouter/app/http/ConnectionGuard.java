package io.opsrouter.app.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.metrics.MeterNames;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the HTTP server's connections. Every connection is tracked from the moment it is accepted; a sweep
 * closes those that are idle (no request under way for {@link ConnectionSettings#idleTimeout()}: nothing sent
 * since it opened, a request line or headers that never finish, a keep-alive connection after its answer) and
 * those whose request body has not arrived within {@link ConnectionSettings#requestTimeout()}. A request being
 * worked on (body read, answer not sent yet) is never cut. Above {@link ConnectionSettings#openLimit()} open
 * connections a new one is in the reserved room: its first request must be privileged ({@code /health} or a
 * valid token) or it is answered 503 and closed, and it may wait only a second before asking; at
 * {@link ConnectionSettings#maxConnections()} a new connection makes the idlest one close (or is closed itself when
 * every connection is working), so a flood of idle connections cannot keep {@code /health} out.
 */
public final class ConnectionGuard {
    /** Its name in Camel's registry. */
    public static final String BEAN = "connectionGuard";

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    static final long SWEEP_MILLIS = 200;
    /** The largest form the router reads (its one form is the acknowledge page's name field); Vert.x's own limit is 8 KiB. */
    static final long MAX_FORM_BYTES = 8192;

    private static final String FORM_TOO_LARGE =
            "{\"error\":\"a form body may be at most 8 KiB (and not multipart)\",\"field\":\"body\"}";
    private static final String BUSY = "{\"error\":\"the router is at its connection limit; try again shortly\"}";

    private final ConnectionSettings settings;
    private final Predicate<HttpServerRequest> privileged;
    private final LongSupplier millis;
    private final Map<HttpConnection, Tracked> open = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean listening;
    private final Counter closedIdle;
    private final Counter closedRequest;
    private final Counter closedFull;
    private final Counter closedReserved;

    /** One connection: when it opened or last finished a request, and the request under way. */
    private static final class Tracked {
        final boolean reserved;
        volatile long since;
        final AtomicReference<HttpServerRequest> request = new AtomicReference<>();
        volatile boolean admitted;

        Tracked(boolean reserved, long since) {
            this.reserved = reserved;
            this.since = since;
        }
    }

    public ConnectionGuard(ConnectionSettings settings, Predicate<HttpServerRequest> privileged, MeterRegistry meters) {
        this(settings, privileged, meters, System::currentTimeMillis);
    }

    ConnectionGuard(
            ConnectionSettings settings,
            Predicate<HttpServerRequest> privileged,
            MeterRegistry meters,
            LongSupplier millis) {
        this.settings = settings;
        this.privileged = privileged;
        this.millis = millis;
        Gauge.builder(MeterNames.HTTP_CONNECTIONS, count, AtomicInteger::get)
                .description("HTTP connections open")
                .register(meters);
        closedIdle = closed(meters, "idle");
        closedRequest = closed(meters, "request_timeout");
        closedFull = closed(meters, "limit");
        closedReserved = closed(meters, "reserved");
    }

    private static Counter closed(MeterRegistry meters, String reason) {
        return Counter.builder(MeterNames.HTTP_CONNECTIONS_CLOSED)
                .tag("reason", reason)
                .description("HTTP connections the router closed")
                .register(meters);
    }

    /**
     * Called by the server for every accepted connection, on its event loop. At the cap, the connection idle the
     * longest (no request under way) makes room; when every connection is working, the new one is closed.
     */
    public void accepted(HttpConnection connection) {
        int n = count.incrementAndGet();
        Tracked t = new Tracked(n > settings.openLimit(), millis.getAsLong());
        open.put(connection, t);
        connection.closeHandler(v -> forget(connection));
        if (n > settings.maxConnections()) {
            HttpConnection idlest = idlest(connection);
            if (idlest != null) close(idlest, closedFull, "idle the longest at the connection cap");
            else close(connection, closedFull, "at the connection cap");
        }
    }

    private HttpConnection idlest(HttpConnection except) {
        HttpConnection found = null;
        long oldest = Long.MAX_VALUE;
        for (Map.Entry<HttpConnection, Tracked> e : open.entrySet()) {
            Tracked t = e.getValue();
            if (e.getKey() == except || t.request.get() != null) continue;
            // a reserved connection not yet admitted goes first, then the one idle longest
            long rank = t.reserved && !t.admitted ? t.since - Long.MAX_VALUE / 2 : t.since;
            if (rank < oldest) {
                oldest = rank;
                found = e.getKey();
            }
        }
        return found;
    }

    private void forget(HttpConnection connection) {
        if (open.remove(connection) != null) count.decrementAndGet();
    }

    /** Wraps the server's request handler: marks the connection busy, and holds the reserved room for privileged requests. */
    public Handler<HttpServerRequest> requests(Handler<HttpServerRequest> next) {
        return request -> {
            Tracked t = open.get(request.connection());
            if (t != null) {
                t.since = millis.getAsLong();
                t.request.set(request);
                if (t.reserved && !t.admitted) {
                    if (!privileged.test(request)) {
                        closedReserved.increment();
                        HttpServerResponse r = request.response();
                        r.setStatusCode(503)
                                .putHeader("Content-Type", "application/json")
                                .putHeader("Retry-After", "1")
                                .putHeader("Connection", "close")
                                .end(BUSY)
                                .onComplete(x -> request.connection().close());
                        return;
                    }
                    t.admitted = true;
                }
            }
            if (!BODY_METHODS.contains(request.method()) && isForm(request.getHeader("Content-Type"))) {
                // Vert.x's body handler throws on a form content type without a body method: a GET has no form
                request.headers().remove("Content-Type");
            }
            if (oversizedForm(request)) {
                // Vert.x would fail deep in its form decoder and log a stack trace per request: refuse first, one line
                LOG.info(
                        "refused a form body of {} bytes from {} to {}",
                        request.getHeader("Content-Length"),
                        request.remoteAddress() == null
                                ? "unknown"
                                : request.remoteAddress().hostAddress(),
                        clip(request.path()));
                request.response()
                        .setStatusCode(413)
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Connection", "close")
                        .end(FORM_TOO_LARGE)
                        .onComplete(x -> request.connection().close());
                return;
            }
            next.handle(request);
        };
    }

    private static final java.util.Set<io.vertx.core.http.HttpMethod> BODY_METHODS = java.util.Set.of(
            io.vertx.core.http.HttpMethod.POST,
            io.vertx.core.http.HttpMethod.PUT,
            io.vertx.core.http.HttpMethod.PATCH,
            io.vertx.core.http.HttpMethod.DELETE);

    private static boolean isForm(String type) {
        if (type == null) return false;
        String mime = type.toLowerCase(java.util.Locale.ROOT).trim();
        return mime.startsWith("application/x-www-form-urlencoded") || mime.startsWith("multipart/form-data");
    }

    static boolean oversizedForm(HttpServerRequest request) {
        String type = request.getHeader("Content-Type");
        if (!isForm(type)) return false;
        if (type.toLowerCase(java.util.Locale.ROOT).contains("multipart/")) return true;
        String length = request.getHeader("Content-Length");
        if (length == null) return request.getHeader("Transfer-Encoding") != null;
        try {
            return Long.parseLong(length.trim()) > MAX_FORM_BYTES;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static String clip(String path) {
        if (path == null) return "";
        String p = path.length() > 80 ? path.substring(0, 80) + "..." : path;
        return p.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** Closes what has been idle or stalled too long; run every {@link #SWEEP_MILLIS}. */
    public void sweep() {
        long now = millis.getAsLong();
        long idle = settings.idleTimeout().toMillis();
        long reservedIdle = Math.min(idle, ConnectionSettings.RESERVED_GRACE.toMillis());
        for (Map.Entry<HttpConnection, Tracked> e : open.entrySet()) {
            Tracked t = e.getValue();
            HttpServerRequest r = t.request.get();
            if (r == null || answered(r)) {
                if (r != null) {
                    // the answer went out since the last sweep: idle from now (unless the next request came meanwhile)
                    if (t.request.compareAndSet(r, null)) t.since = now;
                    continue;
                }
                long limit = t.reserved && !t.admitted ? reservedIdle : idle;
                if (now - t.since >= limit) close(e.getKey(), closedIdle, "idle");
            } else if (!r.isEnded()
                    && now - t.since >= settings.requestTimeout().toMillis()) {
                close(e.getKey(), closedRequest, "request body not received in time");
            }
        }
    }

    private static boolean answered(HttpServerRequest r) {
        HttpServerResponse response = r.response();
        return response.ended() || response.closed();
    }

    private void close(HttpConnection connection, Counter counter, String why) {
        Tracked t = open.remove(connection);
        if (t == null) return;
        count.decrementAndGet();
        counter.increment();
        LOG.debug("closing connection from {}: {}", connection.remoteAddress(), why);
        connection.close();
    }

    /** Whether the server it guards listens: its last listen succeeded ({@link GuardedVertx} tells). */
    public boolean listening() {
        return listening;
    }

    void listened(boolean succeeded) {
        listening = succeeded;
    }

    /** Connections open now. */
    public int open() {
        return count.get();
    }
}
