package io.opsrouter.notify;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** Reads an HTTP Retry-After header: delta-seconds or an HTTP date. */
final class RetryAfter {
    private static final Duration MAX = Duration.ofHours(1);

    private RetryAfter() {}

    static Duration parse(String header) {
        if (header == null || header.isBlank()) return null;
        String v = header.trim();
        try {
            long s = Long.parseLong(v);
            return s < 0 ? null : min(Duration.ofSeconds(s));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(
                        java.time.Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : min(d);
            } catch (RuntimeException ignored) {
                return null;
            }
        }
    }

    private static Duration min(Duration d) {
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
