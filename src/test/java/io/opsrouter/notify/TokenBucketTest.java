package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rate limit alone: time in nanoseconds goes in, tokens come out. */
class TokenBucketTest {
    static final long S = 1_000_000_000L;

    @Test
    void aBurstGoesAtOnceThenOneTokenPerPeriod() {
        TokenBucket b = new TokenBucket(new DispatchSettings.Rate(1, 3), 0);
        assertThat(b.available(0)).isEqualTo(3);
        b.take(3, 0);
        assertThat(b.available(0)).isZero();
        assertThat(b.nanosToNext(0)).isEqualTo(S);
        assertThat(b.available(S / 2)).isZero();
        assertThat(b.available(S)).isEqualTo(1);
        assertThat(b.available(100 * S)).as("never more than the burst").isEqualTo(3);
    }

    @Test
    void retryAfterEmptiesTheBucketUntilThen() {
        TokenBucket b = new TokenBucket(new DispatchSettings.Rate(2, 5), 0);
        b.emptyUntil(10 * S);
        assertThat(b.available(9 * S)).isZero();
        assertThat(b.nanosToNext(9 * S)).isEqualTo(S);
        // the one send allowed when Retry-After ends, and the rate's (2/s) since then
        assertThat(b.available(10 * S + S / 2)).isEqualTo(2);
    }

    @Test
    void theRetryThatRetryAfterAllowsGoesWhenItEndsThenTheRate() {
        TokenBucket b = new TokenBucket(new DispatchSettings.Rate(1, 3), 0);
        b.take(3, 0);
        b.emptyUntil(S);
        assertThat(b.available(S - 1)).isZero();
        // one send the moment Retry-After ends, not a whole refill later
        assertThat(b.nanosToNext(S)).isZero();
        assertThat(b.available(S)).isEqualTo(1);
        b.take(1, S);
        assertThat(b.available(S + S / 2)).isZero();
        assertThat(b.available(2 * S)).isEqualTo(1);
    }

    @Test
    void tokensOfSendsThatDidNotStartComeBack() {
        TokenBucket b = new TokenBucket(new DispatchSettings.Rate(1, 2), 0);
        b.take(2, 0);
        b.giveBack(1);
        assertThat(b.available(0)).isEqualTo(1);
    }

    @Test
    void noLimitHasNoEnd() {
        TokenBucket b = new TokenBucket(DispatchSettings.Rate.UNLIMITED, 0);
        b.take(1_000_000, 0);
        assertThat(b.available(0)).isEqualTo(Integer.MAX_VALUE);
        assertThat(b.nanosToNext(0)).isZero();
    }
}
