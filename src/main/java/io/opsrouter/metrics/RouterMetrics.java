package io.opsrouter.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The one meter registry of the process. Camel's own route meters (camel-micrometer-prometheus)
 * and the router's meters share it, bound in Camel's registry as {@code metricsRegistry}.
 */
public final class RouterMetrics {
    public static final String CAMEL_REGISTRY_NAME = "metricsRegistry";
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public RouterMetrics(String version) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder(MeterNames.BUILD_INFO, () -> 1)
                .tag("version", version)
                .description("The router's version")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public PrometheusMeterRegistry prometheus() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }
}
