package io.opsrouter.probe;

import io.opsrouter.app.ApiErrors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/monitors}: every monitor with its state, last result and why it is disabled. The route
 * ({@code routes/api-monitors.yaml}) authenticates the caller first.
 */
public final class MonitorsApi {
    public static final String BEAN = "monitorsApi";
    private final ProbeResults results;

    public MonitorsApi(ProbeResults results) {
        this.results = results;
    }

    public void respond(Exchange exchange) {
        List<Map<String, Object>> monitors =
                results.states().stream().map(MonitorViews::state).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("monitors", monitors);
        ApiErrors.json(exchange, 200, body);
    }
}
