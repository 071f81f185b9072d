package io.opsrouter.notify;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.opsrouter.app.HealthPart;
import io.opsrouter.outbox.ChannelAlarm;
import io.opsrouter.outbox.ChannelName;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The health of one channel: its circuit breaker, whether it is reported failing, and the last error. It raises
 * the P1 about the channel the first time the channel is failing, and resolves it at the next delivery; the health
 * part {@code channel-<name>} is DOWN while the circuit is open.
 * <p>
 * The breaker is resilience4j's own, used directly rather than through camel-resilience4j's EIP: delivery must tell
 * a channel outage (counted) from a refused recipient (not counted), and keep rows unclaimed while the circuit is
 * open, which a breaker inside a route cannot decide.
 */
final class ChannelHealth {
    private final ChannelName channel;
    private final CircuitBreaker breaker;
    private final Predicate<ChannelAlarm> alarms;
    private final Clock clock;
    private volatile boolean failing;
    private volatile String lastError;

    /**
     * @param failures failed sends in a row that open the circuit
     * @param openFor  how long it stays open before one trial send
     * @param alarms   takes a failing or recovered alarm; false when it could not be raised (tried again next time)
     */
    ChannelHealth(ChannelName channel, int failures, Duration openFor, Predicate<ChannelAlarm> alarms, Clock clock) {
        this.channel = channel;
        this.alarms = alarms;
        this.clock = clock;
        this.breaker = CircuitBreaker.of(
                "notify-" + channel.id(),
                CircuitBreakerConfig.custom()
                        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(failures)
                        .minimumNumberOfCalls(failures)
                        .failureRateThreshold(100f)
                        .waitDurationInOpenState(openFor)
                        .permittedNumberOfCallsInHalfOpenState(1)
                        .automaticTransitionFromOpenToHalfOpenEnabled(false)
                        .build());
    }

    /** At start: the channel's last finished message was dead, so it is still failing until a delivery says otherwise. */
    void failingSince(boolean failing) {
        this.failing = failing;
    }

    boolean isFailing() {
        return failing;
    }

    /** Closed: the channel sends several messages at once. Otherwise one at a time, so one trial send decides. */
    boolean closed() {
        return breaker.getState() == CircuitBreaker.State.CLOSED;
    }

    /** Whether a send may be tried now (false while the circuit is open). */
    boolean tryAcquire() {
        return breaker.tryAcquirePermission();
    }

    /** A send the far side accepted. */
    void succeeded(long nanos) {
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    }

    /** A send that neither succeeded nor failed for the channel's health (the far side asked to slow down). */
    void released() {
        breaker.releasePermission();
    }

    /** A failed send: a retryable failure counts against the channel; a final one is the message's and does not. */
    void failed(ChannelException e, long nanos) {
        lastError = e.getMessage();
        if (e.isRetryable()) breaker.onError(nanos, TimeUnit.NANOSECONDS, e);
        else breaker.releasePermission();
    }

    /** Raises the P1 about the channel, once while it is failing. */
    void failing(String reason) {
        synchronized (this) {
            if (failing) return;
            if (alarms.test(new ChannelAlarm(channel, true, reason, clock.instant()))) failing = true;
        }
    }

    /** A delivery after failing: resolves the P1. */
    void delivered() {
        if (!failing) return;
        synchronized (this) {
            if (!failing) return;
            if (alarms.test(new ChannelAlarm(channel, false, null, clock.instant()))) failing = false;
        }
    }

    HealthPart health() {
        String part = "channel-" + channel.id();
        CircuitBreaker.State s = breaker.getState();
        if (s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN) {
            return HealthPart.down(
                    part,
                    "circuit open after " + breaker.getMetrics().getNumberOfFailedCalls() + " failed sends: "
                            + (lastError == null ? "unknown error" : lastError));
        }
        if (s == CircuitBreaker.State.HALF_OPEN) {
            return HealthPart.up(part, "circuit half-open, trying again; last error: " + lastError);
        }
        return HealthPart.up(part, failing ? "delivering; a notification went dead: " + lastError : "delivering");
    }
}
