package io.opsrouter.app;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.opsrouter.config.SettingsSource;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wrong or missing tokens per address: {@code allowed} failures per {@code period} (refilled smoothly); past
 * them, the address's unauthenticated requests are answered 429 with {@code Retry-After} until the budget
 * refills. A request with a valid token is never throttled here, so a guesser sharing an address with
 * Alertmanager cannot lock Alertmanager out (guessing a 16-character token is hopeless anyway).
 */
public final class AuthFailures {
    public static final String ALLOWED = "router.http.failed-tokens";
    public static final String PERIOD = "router.http.failed-tokens-period";
    private static final int SWEEP_EVERY = 4096;

    private final long allowed;
    private final Duration period;
    private final TimeMeter time;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();

    public AuthFailures(long allowed, Duration period) {
        this(allowed, period, TimeMeter.SYSTEM_MILLISECONDS);
    }

    AuthFailures(long allowed, Duration period, TimeMeter time) {
        this.allowed = allowed;
        this.period = period;
        this.time = time;
    }

    public static AuthFailures from(SettingsSource s) {
        int allowed = s.integer(ALLOWED, "ROUTER_HTTP_FAILED_TOKENS", 10, 1, 1_000_000);
        Duration period = s.duration(PERIOD, "ROUTER_HTTP_FAILED_TOKENS_PERIOD", Duration.ofMinutes(1));
        if (period.compareTo(Duration.ofSeconds(1)) < 0 || period.compareTo(Duration.ofDays(1)) > 0) {
            throw s.error(
                    PERIOD,
                    "ROUTER_HTTP_FAILED_TOKENS_PERIOD",
                    "'" + s.raw(PERIOD, "ROUTER_HTTP_FAILED_TOKENS_PERIOD").orElse("") + "' is outside 1s to 1d",
                    "set a duration from 1s to 1d");
        }
        return new AuthFailures(allowed, period);
    }

    /** Zero when the address still has failures to spend, else the whole seconds until it has one again. */
    public long waitSeconds(String address) {
        Bucket b = buckets.get(address);
        if (b == null) return 0;
        long nanos = b.estimateAbilityToConsume(1).getNanosToWaitForRefill();
        return nanos <= 0 ? 0 : Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** Records one wrong or missing token from the address. */
    public void failed(String address) {
        if (calls.incrementAndGet() % SWEEP_EVERY == 0) {
            buckets.entrySet().removeIf(e -> e.getValue().getAvailableTokens() >= allowed);
        }
        buckets.computeIfAbsent(
                        address,
                        a -> Bucket.builder()
                                .addLimit(Bandwidth.builder()
                                        .capacity(allowed)
                                        .refillGreedy(allowed, period)
                                        .build())
                                .withCustomTimePrecision(time)
                                .build())
                .tryConsume(1);
    }
}
