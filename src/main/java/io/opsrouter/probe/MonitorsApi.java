package io.opsrouter.probe;

import io.opsrouter.app.ApiErrors;
import io.opsrouter.app.BearerAuth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/** {@code GET /api/monitors}: every monitor with its state, last result and why it is disabled. Bearer token only. */
public final class MonitorsApi {
    public static final String BEAN = "monitorsApi";
    public static final String TOKEN_ENV = "ROUTER_API_TOKEN";

    private final ProbeResults results;
    private final BearerAuth auth;

    public MonitorsApi(ProbeResults results, BearerAuth auth) {
        this.results = results;
        this.auth = auth;
    }

    public void respond(Exchange exchange) {
        if (!auth.enabled()) {
            ApiErrors.respond(exchange, 401, "the API is off: set " + TOKEN_ENV + " and send Authorization: Bearer <token>", null);
            return;
        }
        if (!auth.accepts(exchange.getMessage().getHeader("Authorization", String.class))) {
            ApiErrors.respond(exchange, 401, "missing or wrong bearer token", "Authorization");
            return;
        }
        List<Map<String, Object>> monitors = results.states().stream().map(MonitorViews::state).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("monitors", monitors);
        ApiErrors.json(exchange, 200, body);
    }
}
