package io.opsrouter.ingest;

import static io.opsrouter.ingest.StrictJson.boundedString;
import static io.opsrouter.ingest.StrictJson.object;
import static io.opsrouter.ingest.StrictJson.optionalCount;
import static io.opsrouter.ingest.StrictJson.optionalString;
import static io.opsrouter.ingest.StrictJson.optionalTime;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.alert.Fingerprint;
import io.opsrouter.alert.Signal;
import io.opsrouter.ingest.IngestSettings.Limits;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Alertmanager's two formats into signals: the webhook payload (version "4", what a {@code webhook_config}
 * receiver gets) and the API v2 alert list (what Prometheus posts to {@code /api/v2/alerts}). Fields a newer
 * Alertmanager adds are ignored.
 */
public final class AlertmanagerPayloads {
    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerPayloads.class);
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-fA-F]{1,64}");
    private static final int MAX_URL = 4096;

    private final int maxAlerts;
    private final Limits limits;
    private final SeverityMapping severities;
    private final Clock clock;
    private final IngestMeters meters;

    public AlertmanagerPayloads(
            int maxAlerts, Limits limits, SeverityMapping severities, Clock clock, IngestMeters meters) {
        this.maxAlerts = maxAlerts;
        this.limits = limits;
        this.severities = severities;
        this.clock = clock;
        this.meters = meters;
    }

    /** The webhook payload: an object with {@code version}, {@code status} and {@code alerts[]}. */
    public List<Signal> fromWebhook(Exchange exchange) {
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        return Guard.parsing("alertmanager", () -> webhook(raw, exchange));
    }

    /** The API v2 list: a JSON array of alerts; an alert whose endsAt has passed is resolved. */
    public List<Signal> fromApiV2(Exchange exchange) {
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        return Guard.parsing("api_v2", () -> apiV2(raw, exchange));
    }

    private List<Signal> webhook(byte[] raw, Exchange exchange) {
        JsonNode root = object(StrictJson.parse(raw), "body");
        String version = optionalString(root, "version", "");
        if (!"4".equals(version))
            throw IngestRefusal.invalid("version", "version must be \"4\" (Alertmanager's webhook format)");
        String status = optionalString(root, "status", "");
        if (status != null && !status.equals("firing") && !status.equals("resolved")) {
            throw IngestRefusal.invalid("status", "status must be firing or resolved");
        }
        int truncated = optionalCount(root, "truncatedAlerts", "");
        boundedString(root, "groupKey", "", MAX_URL);
        boundedString(root, "receiver", "", MAX_URL);
        boundedString(root, "externalURL", "", MAX_URL);
        JsonNode alerts = alertList(root.get("alerts"), "alerts");
        if (truncated > 0) {
            meters.truncated(truncated);
            LOG.warn(
                    "Alertmanager truncated {} alerts from a webhook (its max_alerts); only {} arrived",
                    truncated,
                    alerts.size());
        }
        return each(exchange, "alertmanager", alerts, "alerts", (a, path) -> {
            String alertStatus = optionalString(a, "status", path);
            if (alertStatus == null) throw IngestRefusal.invalid(path + "status", path + "status is required");
            if (!alertStatus.equals("firing") && !alertStatus.equals("resolved")) {
                throw IngestRefusal.invalid(path + "status", path + "status must be firing or resolved");
            }
            Instant startsAt = optionalTime(a, "startsAt", path);
            Instant endsAt = optionalTime(a, "endsAt", path);
            boolean resolved = alertStatus.equals("resolved");
            return signal("alertmanager", a, path, resolved, startsAt, endsAt);
        });
    }

    private List<Signal> apiV2(byte[] raw, Exchange exchange) {
        JsonNode alerts = alertList(StrictJson.parse(raw), "body");
        Instant now = clock.instant();
        return each(exchange, "api_v2", alerts, "", (a, path) -> {
            Instant startsAt = optionalTime(a, "startsAt", path);
            Instant endsAt = optionalTime(a, "endsAt", path);
            boolean resolved = endsAt != null && !endsAt.isAfter(now);
            return signal("prometheus", a, path, resolved, startsAt, endsAt);
        });
    }

    private interface AlertReader {
        Signal read(JsonNode alert, String path);
    }

    /**
     * Reads the alerts of a batch one by one: an alert that cannot be taken is refused alone (named in the
     * answer and counted), the rest are stored. Only when no alert is left is the whole batch a 400.
     */
    private List<Signal> each(Exchange exchange, String endpoint, JsonNode alerts, String field, AlertReader reader) {
        List<Signal> signals = new ArrayList<>(alerts.size());
        List<RefusedAlert> refused = new ArrayList<>();
        for (int i = 0; i < alerts.size(); i++) {
            String at = field + "[" + i + "]";
            JsonNode a = alerts.get(i);
            try {
                signals.add(reader.read(object(a, at), at + "."));
            } catch (IngestRefusal r) {
                if (r.status() != 400) throw r;
                refused.add(RefusedAlert.of(i, a, r));
            } catch (RuntimeException e) {
                LOG.warn(
                        "unexpected failure reading alert {} of a {} payload: {}",
                        i,
                        endpoint,
                        e.getClass().getName());
                refused.add(RefusedAlert.of(i, a, IngestRefusal.invalid(at, at + " could not be read")));
            }
        }
        if (refused.isEmpty()) return signals;
        meters.refusedAlerts(endpoint, refused.size());
        if (exchange != null) exchange.setProperty(RefusedAlert.PROPERTY, List.copyOf(refused));
        for (RefusedAlert r : refused.subList(0, Math.min(refused.size(), 10))) {
            LOG.info("refused alert {} ({}) of a {} batch: {}", r.index(), r.alertname(), endpoint, r.error());
        }
        if (signals.isEmpty()) {
            RefusedAlert first = refused.get(0);
            throw IngestRefusal.invalid(
                    first.field(),
                    "no alert of the batch could be taken; the first: " + first.error()
                            + (refused.size() > 1 ? " (all " + refused.size() + " are listed in refused)" : ""));
        }
        return signals;
    }

    private JsonNode alertList(JsonNode alerts, String field) {
        if (alerts == null || alerts.isNull()) throw IngestRefusal.invalid(field, field + " is required");
        if (!alerts.isArray()) throw IngestRefusal.invalid(field, field + " must be a list of alerts");
        if (alerts.isEmpty()) throw IngestRefusal.invalid(field, field + " is empty");
        if (alerts.size() > maxAlerts) {
            throw IngestRefusal.tooLarge(
                    field, field + " holds more than " + maxAlerts + " alerts (" + IngestSettings.MAX_ALERTS + ")");
        }
        return alerts;
    }

    private Signal signal(String source, JsonNode a, String path, boolean resolved, Instant startsAt, Instant endsAt) {
        Map<String, String> labels = StrictJson.labels(a, "labels", path, limits, true);
        String name = labels.get("alertname");
        if (name == null || name.isBlank()) {
            throw IngestRefusal.invalid(path + "labels.alertname", path + "labels.alertname is required");
        }
        Map<String, String> annotations = new HashMap<>(StrictJson.annotations(a, "annotations", path, limits));
        String generatorUrl = boundedString(a, "generatorURL", path, MAX_URL);
        if (generatorUrl != null && !generatorUrl.isEmpty()) annotations.put("generatorURL", generatorUrl);
        String fingerprint = optionalString(a, "fingerprint", path);
        if (fingerprint == null || fingerprint.isEmpty()) {
            fingerprint = Fingerprint.of(labels);
        } else if (!FINGERPRINT.matcher(fingerprint).matches()) {
            throw IngestRefusal.invalid(path + "fingerprint", path + "fingerprint must be hexadecimal");
        }
        Instant at = resolved
                ? (endsAt != null ? endsAt : clock.instant())
                : (startsAt != null ? startsAt : clock.instant());
        return new Signal(
                source,
                name,
                labels,
                annotations,
                Map.of(),
                resolved ? Signal.State.RESOLVED : Signal.State.FIRING,
                severities.of(labels),
                at,
                fingerprint.toLowerCase());
    }
}
