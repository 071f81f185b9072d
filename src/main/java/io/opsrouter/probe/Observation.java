package io.opsrouter.probe;

import java.time.Duration;
import java.util.Map;

/**
 * What one probe run saw, before conditions are applied. {@code error} is set when the probe could not get an
 * answer at all (refused, timed out, handshake failed, query failed); then the run fails whatever the conditions.
 *
 * @param statusCode HTTP status, or null for other kinds
 * @param body       the first bytes of an HTTP body as text (at most the body limit), or null
 * @param values     named numbers: days_left, SQL columns, built-in database metrics
 */
public record Observation(
        Duration latency,
        Integer statusCode,
        String body,
        boolean bodyTruncated,
        Map<String, Double> values,
        String error) {
    public Observation {
        values = values == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }

    public static Observation failed(Duration latency, String error) {
        return new Observation(latency, null, null, false, Map.of(), error);
    }

    public static Observation values(Duration latency, Map<String, Double> values) {
        return new Observation(latency, null, null, false, values, null);
    }
}
