package io.opsrouter.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.metrics.MeterNames;

/** The ingestion meters: requests by endpoint and status, alerts received by source, refusals by reason. */
public final class IngestMeters {
    private final MeterRegistry registry;
    private final Counter truncated;

    public IngestMeters(MeterRegistry registry) {
        this.registry = registry;
        this.truncated = Counter.builder(MeterNames.INGEST_TRUNCATED_ALERTS)
                .description("Alerts Alertmanager left out of webhooks (truncatedAlerts)")
                .register(registry);
    }

    public void request(String endpoint, int status) {
        Counter.builder(MeterNames.INGEST_REQUESTS)
                .description("Requests to the ingestion endpoints")
                .tag("endpoint", endpoint)
                .tag("status", Integer.toString(status))
                .register(registry)
                .increment();
    }

    public void received(String source, int alerts) {
        Counter.builder(MeterNames.ALERTS_RECEIVED)
                .description("Alerts accepted from senders and handed to the pipeline")
                .tag("source", source)
                .register(registry)
                .increment(alerts);
    }

    public void refused(String endpoint, String reason) {
        Counter.builder(MeterNames.INGEST_REFUSED)
                .description("Requests refused by the ingestion endpoints")
                .tag("endpoint", endpoint)
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /** Alerts refused one by one out of a batch whose other alerts were stored (or all refused). */
    public void refusedAlerts(String endpoint, int alerts) {
        Counter.builder(MeterNames.INGEST_REFUSED_ALERTS)
                .description("Alerts refused one by one out of a batch")
                .tag("endpoint", endpoint)
                .register(registry)
                .increment(alerts);
    }

    public void truncated(int alerts) {
        truncated.increment(alerts);
    }
}
