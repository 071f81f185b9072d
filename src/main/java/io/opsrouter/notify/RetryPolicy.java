package io.opsrouter.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * What becomes of a notification whose send failed: due again later, or dead. Pure: the attempt number, the
 * failure's classification and the moment it failed go in, the decision comes out; no clock, store or random
 * source of its own (the jitter is a parameter), so each path is a plain unit test.
 *
 * <ul>
 *   <li>a final failure (a refused recipient, bad credentials) is dead at once, and the channel does not wait;</li>
 *   <li>a retryable one is due again after the server's Retry-After or an exponential backoff with jitter, and its
 *       channel waits as long;</li>
 *   <li>the retryable failure that uses up the retry budget is dead;</li>
 *   <li>failures that say the channel itself is unusable (credentials refused), and every message given up after
 *       its budget, make the channel failing: the router raises a P1 about it.</li>
 * </ul>
 *
 * @param initial     the first backoff
 * @param max         the longest backoff
 * @param maxAttempts the retry budget per notification
 */
public record RetryPolicy(Duration initial, Duration max, int maxAttempts) {
    /** Final failures that are the channel's, not the message's: the router's credentials were refused. */
    static final Set<String> CHANNEL_LEVEL_REASONS = Set.of("http_401", "http_403", "auth");

    public static RetryPolicy of(DispatchSettings d) {
        return new RetryPolicy(d.retryInitial(), d.retryMax(), d.maxAttempts());
    }

    /**
     * @param attempt  the attempt that failed, 1 for the first
     * @param failure  how the channel classified the failure
     * @param failedAt when it failed
     * @param jitter   a number from 0 (inclusive) to 1 (exclusive) that spreads the retries of many messages
     */
    public Decision afterFailure(int attempt, ChannelException failure, Instant failedAt, double jitter) {
        if (!failure.isRetryable()) {
            return new Decision(true, failedAt, null, CHANNEL_LEVEL_REASONS.contains(failure.reason()));
        }
        Duration wait = failure.retryAfter() != null ? failure.retryAfter() : backoff(attempt, jitter);
        Instant next = failedAt.plus(wait);
        boolean dead = attempt >= maxAttempts;
        return new Decision(dead, dead ? failedAt : next, next, dead);
    }

    /** Exponential backoff for the n-th failed attempt (1-based), doubling from {@code initial} up to {@code max}: half fixed, half jitter. */
    public Duration backoff(int attempt, double jitter) {
        double base = initial.toMillis() * Math.pow(2, Math.max(0, Math.min(attempt - 1, 30)));
        double capped = Math.min(base, max.toMillis());
        return Duration.ofMillis((long) (capped / 2 + jitter * capped / 2));
    }

    /**
     * @param dead              the notification is given up
     * @param at                when it is due again; when it died
     * @param channelWaitsUntil until when its channel sends nothing more; null when the channel goes on at once
     * @param channelFailing    the channel is failing: raise the P1 about it (once)
     */
    public record Decision(boolean dead, Instant at, Instant channelWaitsUntil, boolean channelFailing) {
        /** Whether the channel sends its next message now; otherwise the rest of its batch is given back untried. */
        public boolean goOn() {
            return channelWaitsUntil == null;
        }
    }
}
