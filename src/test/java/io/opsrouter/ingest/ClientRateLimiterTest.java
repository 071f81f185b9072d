package io.opsrouter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClientRateLimiterTest {
    final AtomicLong nanos = new AtomicLong();
    final TimeMeter clock = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            return nanos.get();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    };

    @Test
    void eachClientHasItsOwnBucketThatRefillsOverThePeriod() {
        ClientRateLimiter limiter = new ClientRateLimiter(100, Duration.ofMinutes(1), clock);
        for (int i = 0; i < 100; i++) assertThat(limiter.tryAcquire("10.0.0.1")).isZero();
        assertThat(limiter.tryAcquire("10.0.0.1")).isEqualTo(1); // one token comes back every 0.6 s
        assertThat(limiter.tryAcquire("10.0.0.2")).isZero();
        nanos.addAndGet(Duration.ofMillis(600).toNanos());
        assertThat(limiter.tryAcquire("10.0.0.1")).isZero();
        assertThat(limiter.tryAcquire("10.0.0.1")).isEqualTo(1);
    }

    @Test
    void retryAfterCoversTheWaitForTheNextToken() {
        ClientRateLimiter limiter = new ClientRateLimiter(2, Duration.ofMinutes(1), clock);
        limiter.tryAcquire("a");
        limiter.tryAcquire("a");
        assertThat(limiter.tryAcquire("a")).isEqualTo(30);
    }

    @Test
    void refilledBucketsAreDroppedSoMemoryFollowsActiveClients() {
        ClientRateLimiter limiter = new ClientRateLimiter(10, Duration.ofSeconds(10), clock);
        for (int i = 0; i < 50; i++) limiter.tryAcquire("client-" + i);
        limiter.sweep();
        assertThat(limiter.clients()).isEqualTo(50);
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        limiter.tryAcquire("client-0");
        limiter.sweep();
        assertThat(limiter.clients()).isEqualTo(1);
    }
}
