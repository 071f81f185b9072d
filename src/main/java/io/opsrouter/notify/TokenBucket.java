package io.opsrouter.notify;

/**
 * One channel's rate limit: a token bucket of {@code burst} tokens refilled at {@code perSecond}. Pure: the time
 * (monotonic nanoseconds) is a parameter. A channel claims only as many rows as it has tokens now, so a row it
 * claims is sent at once, and the next claim again takes the most severe first. A 429's Retry-After empties the
 * bucket until then, and leaves one token for that moment: the retry the far side allowed goes at once, not a whole
 * refill later (a P1 behind a Slack storm waited Retry-After plus a second).
 */
final class TokenBucket {
    private final double perNano;
    private final int burst;
    private double tokens;
    private long at;
    /** No token before this (a Retry-After); 0 when none. */
    private long blockedUntil;

    /** {@code perSecond} zero: no limit. */
    TokenBucket(DispatchSettings.Rate rate, long nowNanos) {
        this.perNano = rate.perSecond() / 1e9;
        this.burst = rate.burst();
        this.tokens = burst;
        this.at = nowNanos;
    }

    boolean limited() {
        return perNano > 0;
    }

    /** Whole tokens available now ({@code Integer.MAX_VALUE} without a limit). */
    synchronized int available(long nowNanos) {
        if (!limited()) return Integer.MAX_VALUE;
        if (nowNanos < blockedUntil) return 0;
        refill(nowNanos);
        return (int) Math.floor(tokens);
    }

    /** Spends {@code n} tokens (at most those available). */
    synchronized void take(int n, long nowNanos) {
        if (!limited()) return;
        refill(nowNanos);
        tokens = Math.max(0, tokens - n);
    }

    /** Gives back tokens taken for sends that did not start. */
    synchronized void giveBack(int n) {
        if (limited()) tokens = Math.min(burst, tokens + n);
    }

    /** Nanoseconds until the next whole token; 0 when one is there. */
    synchronized long nanosToNext(long nowNanos) {
        if (!limited()) return 0;
        if (nowNanos < blockedUntil) return blockedUntil - nowNanos;
        refill(nowNanos);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perNano);
    }

    /** The far side asked to wait: no token before {@code untilNanos}, then one, then the rate. */
    synchronized void emptyUntil(long untilNanos) {
        if (!limited()) return;
        blockedUntil = Math.max(blockedUntil, untilNanos);
        tokens = 1;
        at = Math.max(at, blockedUntil);
    }

    private void refill(long now) {
        if (now <= at) return;
        tokens = Math.min(burst, tokens + (now - at) * perNano);
        at = now;
    }
}
