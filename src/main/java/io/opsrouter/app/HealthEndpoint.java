package io.opsrouter.app;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * {@code GET /health}: every part with its state; 200 when all are ready, 503 naming those that are not. Ready but
 * degraded (e.g. nobody can be paged) is 200 with status {@code DEGRADED} and the reasons. With the detail,
 * {@code "replica"} says this replica's role among those sharing the store (its id, whether it leads the sweep,
 * how many monitors it polls). The
 * parts' detail (file names, upstream errors) is shown only to callers with the API token, unless
 * {@code router.health.detail = public}.
 */
public final class HealthEndpoint {
    public static final String DETAIL = "router.health.detail";

    private final HealthService health;
    private final String version;
    private final BearerAuth detailAuth;
    private final boolean publicDetail;

    public HealthEndpoint(HealthService health, String version) {
        this(health, version, new BearerAuth(java.util.Optional.empty()), true);
    }

    public HealthEndpoint(HealthService health, String version, BearerAuth detailAuth, boolean publicDetail) {
        this.health = health;
        this.version = version;
        this.detailAuth = detailAuth;
        this.publicDetail = publicDetail;
    }

    /** {@code authenticated} (the default) or {@code public}. */
    public static boolean publicDetail(io.opsrouter.config.SettingsSource s) {
        String v = s.string(DETAIL, "ROUTER_HEALTH_DETAIL", "authenticated").toLowerCase(java.util.Locale.ROOT);
        if (!v.equals("authenticated") && !v.equals("public")) {
            throw s.error(
                    DETAIL,
                    "ROUTER_HEALTH_DETAIL",
                    "'" + v + "' is neither authenticated nor public",
                    "use authenticated (detail only with the API token) or public");
        }
        return v.equals("public");
    }

    public void respond(Exchange exchange) {
        boolean detail =
                publicDetail || detailAuth.accepts(exchange.getMessage().getHeader("Authorization", String.class));
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
            if (detail && p.detail() != null) part.put("detail", p.detail());
            byName.put(p.name(), part);
        }
        body.put("parts", byName);
        if (detail) {
            Map<String, Object> role = health.role();
            if (!role.isEmpty()) body.put("replica", role);
        }
        if (!ready)
            body.put(
                    "notReady",
                    parts.stream().filter(p -> !p.up()).map(HealthPart::name).toList());
        // the request's headers and query parameters are not echoed back (a NUL in one made Vert.x answer 500)
        exchange.getMessage().setHeaders(new java.util.HashMap<>());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, ready ? 200 : 503);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.write(body));
    }
}
