package io.opsrouter.notify;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.opsrouter.app.HealthPart;
import io.opsrouter.outbox.ChannelName;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the dispatcher knows about one channel: its circuit breaker, until when it waits (backoff or
 * Retry-After), whether it was reported failing, and the last error, for health.
 * The breaker is resilience4j's own, used directly rather than through camel-resilience4j's EIP: the
 * dispatcher must tell a channel outage (counted) from a refused recipient (not counted), and keep rows
 * unclaimed while the circuit is open, which a breaker inside a route cannot decide.
 */
final class ChannelState {
    final Channel channel;
    final CircuitBreaker breaker;
    volatile Instant pausedUntil = Instant.EPOCH;
    volatile boolean failing;
    volatile String lastError;
    volatile org.apache.camel.Endpoint queue;
    /** Runs the lanes of a batch while the channel's own thread claims the next one. */
    volatile ExecutorService lanes;

    ChannelState(Channel channel, DispatchSettings d) {
        this.channel = channel;
        this.breaker = CircuitBreaker.of("notify-" + channel.name(), CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(d.breakerFailures())
                .minimumNumberOfCalls(d.breakerFailures())
                .failureRateThreshold(100f)
                .waitDurationInOpenState(d.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build());
    }

    ChannelName name() { return channel.name(); }

    /** Waits at least until {@code t}: of several lanes failing at once, the longest wait holds. */
    synchronized void pauseUntil(Instant t) {
        if (t.isAfter(pausedUntil)) pausedUntil = t;
    }

    void startLanes(int n) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "notify-" + name() + "-lane-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        lanes = pool;
    }

    void stopLanes() {
        ExecutorService pool = lanes;
        if (pool != null) pool.shutdown();
    }

    HealthPart health() {
        String part = "channel-" + name();
        CircuitBreaker.State s = breaker.getState();
        if (s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN) {
            return HealthPart.down(part, "circuit open after " + breaker.getMetrics().getNumberOfFailedCalls()
                    + " failed sends: " + (lastError == null ? "unknown error" : lastError));
        }
        if (s == CircuitBreaker.State.HALF_OPEN) {
            return HealthPart.up(part, "circuit half-open, trying again; last error: " + lastError);
        }
        return HealthPart.up(part, failing ? "delivering; a notification went dead: " + lastError : "delivering");
    }
}
