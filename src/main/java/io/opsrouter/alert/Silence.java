package io.opsrouter.alert;

import java.time.Instant;
import java.util.Map;

/** A silence made through the API: alerts whose labels match are not announced between startsAt and endsAt. */
public record Silence(
        String id,
        Map<String, String> match,
        Map<String, String> matchRe,
        Instant startsAt,
        Instant endsAt,
        String createdBy,
        String comment,
        Instant createdAt) {
    public LabelMatcher matcher() {
        return LabelMatcher.of(match, matchRe);
    }

    public boolean activeAt(Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt);
    }
}
