package io.opsrouter.ingest;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One token bucket per client (bucket4j): {@code limit} requests per {@code period}, refilled smoothly, so a
 * refused client learns from {@code Retry-After} when its next request will pass. Buckets that have refilled
 * completely are dropped now and then: a full bucket is the same as a new one, so memory follows the number
 * of clients active within one period.
 */
public final class ClientRateLimiter {
    private static final int SWEEP_EVERY = 4096;

    private final long limit;
    private final Duration period;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();

    private final TimeMeter time;

    public ClientRateLimiter(long limit, Duration period) {
        this(limit, period, TimeMeter.SYSTEM_MILLISECONDS);
    }

    ClientRateLimiter(long limit, Duration period, TimeMeter time) {
        this.limit = limit;
        this.period = period;
        this.time = time;
    }

    /** Zero when the request may pass, else the whole seconds to wait (at least 1). */
    public long tryAcquire(String client) {
        if (calls.incrementAndGet() % SWEEP_EVERY == 0) sweep();
        Bucket bucket = buckets.computeIfAbsent(client, c -> newBucket());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) return 0;
        return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }

    int clients() {
        return buckets.size();
    }

    void sweep() {
        buckets.entrySet().removeIf(e -> e.getValue().getAvailableTokens() >= limit);
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(limit)
                        .refillGreedy(limit, period)
                        .build())
                .withCustomTimePrecision(time)
                .build();
    }
}
