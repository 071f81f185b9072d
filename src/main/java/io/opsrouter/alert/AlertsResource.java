package io.opsrouter.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.app.ApiErrors;
import io.opsrouter.app.ApiRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/**
 * {@code /api/alerts}: list and filter, show one, acknowledge, resolve. Routes in {@code routes/api.yaml}; the
 * caller is authenticated before these run.
 */
public final class AlertsResource {
    /** Who acknowledges, resolves or silences: a name, not markup. */
    static final Pattern ACTOR = Pattern.compile("[\\p{L}\\p{N} ._@+'()-]{1,100}");

    private static final List<String> STATUSES = List.of("pending", "firing", "acknowledged", "resolved");

    private final AlertEngine engine;

    public AlertsResource(AlertEngine engine) {
        this.engine = engine;
    }

    /** {@code GET /api/alerts?status=&severity=&label=name=value&limit=} */
    public void list(Exchange ex) {
        String status = ApiRequest.param(ex, "status");
        if (status != null && !STATUSES.contains(status)) {
            ApiErrors.respond(ex, 400, "status must be pending, firing, acknowledged or resolved", "status");
            return;
        }
        Severity severity;
        try {
            severity = Severity.parse(ApiRequest.param(ex, "severity"));
        } catch (IllegalArgumentException e) {
            ApiErrors.respond(ex, 400, e.getMessage(), "severity");
            return;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String l : ApiRequest.params(ex, "label")) {
            int eq = l.indexOf('=');
            if (eq <= 0 || !YamlFile.LABEL_NAME.matcher(l.substring(0, eq)).matches()) {
                ApiErrors.respond(
                        ex, 400, "label filters are written name=value, e.g. label=service=frontend", "label");
                return;
            }
            labels.put(l.substring(0, eq), l.substring(eq + 1));
        }
        int limit = 100;
        String l = ApiRequest.param(ex, "limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
                if (limit < 1 || limit > 1000) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                ApiErrors.respond(ex, 400, "limit must be a number from 1 to 1000", "limit");
                return;
            }
        }
        List<Map<String, Object>> alerts = engine.list(status, severity, labels, limit);
        ApiErrors.json(ex, 200, Map.of("alerts", alerts, "count", alerts.size()));
    }

    /** {@code GET /api/alerts/{id}} */
    public void get(Exchange ex) {
        String id = ApiRequest.param(ex, "id");
        Map<String, Object> a = engine.get(id);
        if (a == null) ApiErrors.respond(ex, 404, "no alert with id " + id, "id");
        else ApiErrors.json(ex, 200, a);
    }

    /** {@code POST /api/alerts/{id}/ack} with {@code {"by": "name"}} */
    public void acknowledge(Exchange ex) {
        act(ex, true);
    }

    /** {@code POST /api/alerts/{id}/resolve}, optionally with {@code {"by": "name"}} */
    public void resolve(Exchange ex) {
        act(ex, false);
    }

    private void act(Exchange ex, boolean ack) {
        JsonNode body = ApiRequest.jsonObject(ex, !ack);
        if (ApiRequest.answered(ex)) return;
        JsonNode byNode = body == null ? null : body.get("by");
        if (byNode != null && !byNode.isNull() && !byNode.isTextual()) {
            ApiErrors.respond(ex, 400, "by must be a string: {\"by\": \"your name\"}", "by");
            return;
        }
        String by = byNode == null || byNode.isNull() ? null : byNode.asText();
        if (by == null && ack) {
            ApiErrors.respond(ex, 400, "say who acknowledges: {\"by\": \"your name\"}", "by");
            return;
        }
        if (by == null) by = "api";
        if (!ACTOR.matcher(by).matches()) {
            ApiErrors.respond(ex, 400, "by must be 1 to 100 letters, digits, spaces or . _ @ + ' ( ) -", "by");
            return;
        }
        String id = ApiRequest.param(ex, "id");
        AlertEngine.Outcome o = ack ? engine.acknowledge(List.of(id), by) : engine.resolve(List.of(id), by);
        if (!o.notFound().isEmpty()) {
            ApiErrors.respond(ex, 404, "no alert with id " + id, "id");
        } else if (!o.resolved().isEmpty()) {
            ApiErrors.respond(ex, 409, "alert " + id + " is already resolved", "id");
        } else {
            ApiErrors.json(ex, 200, engine.get(id));
        }
    }
}
