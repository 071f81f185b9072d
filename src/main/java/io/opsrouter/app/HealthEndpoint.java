package io.opsrouter.app;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * {@code GET /health}: every part with its state; 200 when all are ready, 503 naming those that are not. Ready but
 * degraded (e.g. nobody can be paged) is 200 with status {@code DEGRADED} and the reasons.
 */
public final class HealthEndpoint {
    private final HealthService health;
    private final String version;

    public HealthEndpoint(HealthService health, String version) {
        this.health = health;
        this.version = version;
    }

    public void respond(Exchange exchange) {
        List<HealthPart> parts = health.check();
        boolean ready = HealthService.ready(parts);
        Map<String, Object> body = new LinkedHashMap<>();
        List<String> degraded = ready ? health.degradedReasons() : List.of();
        body.put("status", !ready ? "DOWN" : degraded.isEmpty() ? "UP" : "DEGRADED");
        if (!degraded.isEmpty()) body.put("degraded", degraded);
        body.put("version", version);
        Map<String, Object> byName = new LinkedHashMap<>();
        for (HealthPart p : parts) {
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("status", p.up() ? "UP" : "DOWN");
            if (p.detail() != null) part.put("detail", p.detail());
            byName.put(p.name(), part);
        }
        body.put("parts", byName);
        if (!ready) body.put("notReady", parts.stream().filter(p -> !p.up()).map(HealthPart::name).toList());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, ready ? 200 : 503);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.write(body));
    }
}
