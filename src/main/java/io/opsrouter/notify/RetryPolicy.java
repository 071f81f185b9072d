package io.opsrouter.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * What becomes of a notification whose send failed. Pure: the message's attempts so far, the failure's
 * classification, how many of the channel's sends failed in a row and the moment it failed go in, the decision comes
 * out; no clock, store or random source of its own (the jitter is a parameter), so each path is a plain unit test.
 *
 * <p>A failure is either the channel's or the message's. Only the message's spend its retry budget:
 *
 * <ul>
 *   <li>the channel's: a 429 (wait as long as Retry-After says), a refused connection, a timeout, a 5xx or an I/O
 *       error while the channel's previous send failed too (an outage), refused credentials. The message is given
 *       back unsent, due when the channel's backoff ends, its attempts untouched, however long the outage lasts; the
 *       channel waits as long. Refused credentials, and an outage of {@code failingAfter} failed sends in a row,
 *       make the channel failing: the router raises a P1 about it;</li>
 *   <li>the message's: a final failure (a 4xx such as a bad number or refused content) is dead at once; a retryable
 *       one right after a delivery of the same channel (this message fails where others go through) spends one
 *       attempt and is due again after its own backoff, while the channel goes on; the one that uses up the budget
 *       is dead and makes the channel failing.</li>
 * </ul>
 *
 * @param initial      the first backoff
 * @param max          the longest backoff
 * @param maxAttempts  the retry budget per notification, spent only by the message's own failures
 * @param failingAfter failed sends in a row after which the channel is failing
 */
public record RetryPolicy(Duration initial, Duration max, int maxAttempts, int failingAfter) {
    /** Final failures that are the channel's, not the message's: the router's credentials were refused. */
    static final Set<String> CHANNEL_LEVEL_REASONS = Set.of("http_401", "http_403", "auth");

    public static RetryPolicy of(DispatchSettings d) {
        return new RetryPolicy(d.retryInitial(), d.retryMax(), d.maxAttempts(), d.breakerFailures());
    }

    /**
     * @param attempts       the message's attempts before this one
     * @param failure        how the channel classified the failure
     * @param failuresInARow the channel's failed sends in a row, this one included (1: the one before went through)
     * @param failedAt       when it failed
     * @param jitter         a number from 0 (inclusive) to 1 (exclusive) that spreads the retries of many messages
     */
    public Decision afterFailure(
            int attempts, ChannelException failure, int failuresInARow, Instant failedAt, double jitter) {
        if (!failure.isRetryable()) {
            if (CHANNEL_LEVEL_REASONS.contains(failure.reason())) {
                Instant next = failedAt.plus(backoff(failuresInARow, jitter));
                return new Decision(false, attempts, next, next, true);
            }
            return new Decision(true, attempts + 1, failedAt, null, false);
        }
        if (failure.retryAfter() != null) {
            Instant next = failedAt.plus(failure.retryAfter());
            return new Decision(false, attempts, next, next, false);
        }
        if (failuresInARow > 1) {
            Instant next = failedAt.plus(backoff(failuresInARow - 1, jitter));
            return new Decision(false, attempts, next, next, failuresInARow >= failingAfter);
        }
        int spent = attempts + 1;
        if (spent >= maxAttempts) return new Decision(true, spent, failedAt, null, true);
        return new Decision(false, spent, failedAt.plus(backoff(spent, jitter)), null, false);
    }

    /** Exponential backoff for the n-th failure (1-based), doubling from {@code initial} up to {@code max}: half fixed, half jitter. */
    public Duration backoff(int n, double jitter) {
        double base = initial.toMillis() * Math.pow(2, Math.max(0, Math.min(n - 1, 30)));
        double capped = Math.min(base, max.toMillis());
        return Duration.ofMillis((long) (capped / 2 + jitter * capped / 2));
    }

    /**
     * @param dead              the notification is given up
     * @param attempts          its attempts after this failure (unchanged when the failure was the channel's)
     * @param at                when it is due again; when it died
     * @param channelWaitsUntil until when its channel sends nothing more; null when the channel goes on at once
     * @param channelFailing    the channel is failing: raise the P1 about it (once)
     */
    public record Decision(boolean dead, int attempts, Instant at, Instant channelWaitsUntil, boolean channelFailing) {
        /** Whether the channel goes on sending its other messages now. */
        public boolean goOn() {
            return channelWaitsUntil == null;
        }
    }
}
