package io.opsrouter.outbox;

import java.time.Instant;
import java.util.Map;

/** What a message says about one alert; templates read these fields. */
public record AlertView(
        String id,
        String fingerprint,
        String status,
        String severity,
        String name,
        String summary,
        String runbook,
        Map<String, String> labels,
        Map<String, String> annotations,
        Map<String, Double> values,
        Instant firstSeen,
        Instant lastSeen) {}
