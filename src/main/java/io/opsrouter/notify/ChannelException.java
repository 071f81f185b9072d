package io.opsrouter.notify;

import java.time.Duration;

/**
 * A message a channel could not deliver. Retryable failures (5xx, timeouts, refused connections, 429)
 * are tried again with backoff; the others (a bad number, a rejected address, bad credentials) make the
 * notification dead at once.
 *
 * @param reason short meter tag: {@code http_500}, {@code rate_limited}, {@code timeout}, {@code connect}, {@code rejected}...
 */
public final class ChannelException extends Exception {
    private final String reason;
    private final boolean retryable;
    private final Duration retryAfter;

    private ChannelException(String reason, String message, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public static ChannelException retryable(String reason, String message) {
        return new ChannelException(reason, message, true, null, null);
    }

    public static ChannelException retryable(String reason, String message, Throwable cause) {
        return new ChannelException(reason, message, true, null, cause);
    }

    /** The far side asked us to wait (HTTP 429 with Retry-After). */
    public static ChannelException rateLimited(String message, Duration retryAfter) {
        return new ChannelException("rate_limited", message, true, retryAfter, null);
    }

    public static ChannelException permanent(String reason, String message) {
        return new ChannelException(reason, message, false, null, null);
    }

    public static ChannelException permanent(String reason, String message, Throwable cause) {
        return new ChannelException(reason, message, false, null, cause);
    }

    /** Classifies an HTTP status that is not 2xx. */
    public static ChannelException forHttpStatus(int status, String retryAfterHeader, String detail) {
        String msg = "HTTP " + status + (detail == null || detail.isBlank() ? "" : ": " + abbreviate(detail));
        if (status == 429) return rateLimited(msg, RetryAfter.parse(retryAfterHeader));
        if (status >= 500 || status == 408) return retryable("http_" + status, msg);
        return permanent("http_" + status, msg);
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }

    public String reason() {
        return reason;
    }

    public boolean isRetryable() {
        return retryable;
    }
    /** How long the far side asked us to wait, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
