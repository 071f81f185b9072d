package io.opsrouter.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opsrouter.metrics.MeterNames;
import io.opsrouter.outbox.AlertView;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.DeadLetters;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.OutboxQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * The delivery meters: sent and failed per channel, signal-to-delivery time, the outbox's depth and oldest age,
 * dead notifications per channel and messages folded into digests.
 */
final class DeliveryMeters {
    private final MeterRegistry meters;
    private final OutboxQueue queue;
    private final Clock clock;

    DeliveryMeters(MeterRegistry meters, OutboxQueue queue, Clock clock) {
        this.meters = meters;
        this.queue = queue;
        this.clock = clock;
        Gauge.builder(MeterNames.OUTBOX_DEPTH, this, DeliveryMeters::depth)
                .description("Notifications not yet delivered nor dead")
                .register(meters);
        Gauge.builder(MeterNames.OUTBOX_OLDEST_AGE, this, DeliveryMeters::oldestAge)
                .baseUnit("seconds")
                .description("Age of the oldest undelivered notification")
                .register(meters);
    }

    void sent(ChannelName channel, Notification n, Instant at) {
        Counter.builder(MeterNames.NOTIFICATIONS_SENT)
                .tag("channel", channel.id())
                .description("Notifications delivered")
                .register(meters)
                .increment();
        if (n.kind() == Notification.Kind.FIRING
                || n.kind() == Notification.Kind.RESOLVED
                || n.kind() == Notification.Kind.CHANNEL_FAILURE) {
            n.alerts().stream()
                    .map(AlertView::lastSeen)
                    .filter(Objects::nonNull)
                    .max(Instant::compareTo)
                    .ifPresent(seen -> Timer.builder(MeterNames.SIGNAL_TO_DELIVERY)
                            .tag("channel", channel.id())
                            .description("From the signal to the delivery of its message")
                            .publishPercentileHistogram()
                            .register(meters)
                            .record(
                                    Duration.between(seen, at).isNegative()
                                            ? Duration.ZERO
                                            : Duration.between(seen, at)));
        }
    }

    /** Time a channel with messages to send spent waiting on its rate limit or a Retry-After. */
    void rateLimitWait(ChannelName channel, Duration waited) {
        if (waited.isZero() || waited.isNegative()) return;
        Counter.builder(MeterNames.RATE_LIMIT_WAIT)
                .tag("channel", channel.id())
                .baseUnit("seconds")
                .description("Time spent waiting on a channel's rate limit or Retry-After")
                .register(meters)
                .increment(waited.toNanos() / 1e9);
    }

    void failed(ChannelName channel, String reason) {
        Counter.builder(MeterNames.NOTIFICATIONS_FAILED)
                .tag("channel", channel.id())
                .tag("reason", reason)
                .description("Failed delivery attempts")
                .register(meters)
                .increment();
    }

    /** Messages of {@code channel} folded into a digest instead of being sent one by one. */
    static void folded(MeterRegistry meters, ChannelName channel, int messages) {
        Counter.builder(MeterNames.NOTIFICATIONS_FOLDED)
                .tag("channel", channel.id())
                .description("Lesser notifications folded into a digest instead of being sent one by one")
                .register(meters)
                .increment(messages);
    }

    /** {@code ops_router_notifications_dead{channel}} for each channel; one query answers every channel's gauge. */
    static void registerDead(MeterRegistry meters, DeadLetters dead, Collection<ChannelName> channels) {
        DeadCounts counts = new DeadCounts(dead);
        for (ChannelName ch : channels) {
            Gauge.builder(MeterNames.NOTIFICATIONS_DEAD, counts, c -> c.of(ch))
                    .tag("channel", ch.id())
                    .description("Notifications given up (dead) and not retried by hand")
                    .strongReference(true)
                    .register(meters);
        }
    }

    /** The dead counts, read at most once a second however many gauges ask. */
    private static final class DeadCounts {
        private static final long FRESH_NANOS = 1_000_000_000L;
        private final DeadLetters dead;
        private Map<ChannelName, Long> counts = Map.of();
        private long readAt;
        private boolean read;

        DeadCounts(DeadLetters dead) {
            this.dead = dead;
        }

        synchronized double of(ChannelName channel) {
            long now = System.nanoTime();
            if (!read || now - readAt >= FRESH_NANOS) {
                try {
                    counts = dead.countByChannel();
                    readAt = now;
                    read = true;
                } catch (RuntimeException e) {
                    return Double.NaN;
                }
            }
            return counts.getOrDefault(channel, 0L);
        }
    }

    private double depth() {
        try {
            return queue.depth();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private double oldestAge() {
        try {
            return queue.oldestPending()
                    .map(t -> Math.max(0, Duration.between(t, clock.instant()).toMillis() / 1000.0))
                    .orElse(0.0);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
