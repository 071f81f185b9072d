package io.opsrouter.app;

import io.opsrouter.metrics.RouterMetrics;
import org.apache.camel.Exchange;

/** {@code GET /metrics}: the Prometheus text format of every meter. */
public final class MetricsEndpoint {
    private final RouterMetrics metrics;

    public MetricsEndpoint(RouterMetrics metrics) {
        this.metrics = metrics;
    }

    public void respond(Exchange exchange) {
        // the request's headers and query parameters are not echoed back (a NUL in one made Vert.x answer 500)
        exchange.getMessage().setHeaders(new java.util.HashMap<>());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, RouterMetrics.PROMETHEUS_CONTENT_TYPE);
        exchange.getMessage().setBody(metrics.scrape());
    }
}
