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
import java.util.concurrent.ConcurrentHashMap;

/**
 * The delivery meters: sent and failed per channel, signal-to-delivery time, the outbox's depth and oldest age,
 * dead notifications per channel and messages folded into digests.
 */
final class DeliveryMeters {
    private final MeterRegistry meters;
    private final OutboxQueue queue;
    private final Clock clock;

    /** Each channel's meters, looked up once: a delivered message costs no tag lookup. */
    private final Map<ChannelName, PerChannel> perChannel = new ConcurrentHashMap<>();

    /** Registered when first used, as before: a channel that never waited on its rate limit shows no such meter. */
    private final class PerChannel {
        private final ChannelName channel;
        private volatile Counter sent;
        private volatile Timer signalToDelivery;
        private volatile Counter rateLimitWait;
        private volatile Counter handedOver;
        final Map<String, Counter> failed = new ConcurrentHashMap<>();

        PerChannel(ChannelName channel) {
            this.channel = channel;
        }

        // a race registers twice and gets the same meter back: the registry keeps one per name and tags
        Counter sent() {
            Counter c = sent;
            if (c == null)
                sent = c = Counter.builder(MeterNames.NOTIFICATIONS_SENT)
                        .tag("channel", channel.id())
                        .description("Notifications delivered")
                        .register(meters);
            return c;
        }

        Timer signalToDelivery() {
            Timer t = signalToDelivery;
            if (t == null)
                signalToDelivery = t = Timer.builder(MeterNames.SIGNAL_TO_DELIVERY)
                        .tag("channel", channel.id())
                        .description("From the signal to the delivery of its message")
                        .publishPercentileHistogram()
                        .register(meters);
            return t;
        }

        Counter rateLimitWait() {
            Counter c = rateLimitWait;
            if (c == null)
                rateLimitWait = c = Counter.builder(MeterNames.RATE_LIMIT_WAIT)
                        .tag("channel", channel.id())
                        .baseUnit("seconds")
                        .description("Time spent waiting on a channel's rate limit or Retry-After")
                        .register(meters);
            return c;
        }

        Counter handedOver() {
            Counter c = handedOver;
            if (c == null)
                handedOver = c = Counter.builder(MeterNames.NOTIFICATIONS_HANDED_OVER)
                        .tag("channel", channel.id())
                        .description(
                                "Notifications delivery took from the transaction that wrote them, without a claim")
                        .register(meters);
            return c;
        }
    }

    private PerChannel of(ChannelName channel) {
        return perChannel.computeIfAbsent(channel, PerChannel::new);
    }

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
        PerChannel m = of(channel);
        m.sent().increment();
        if (n.kind() == Notification.Kind.FIRING
                || n.kind() == Notification.Kind.RESOLVED
                || n.kind() == Notification.Kind.CHANNEL_FAILURE) {
            Instant seen = null;
            for (AlertView a : n.alerts()) {
                Instant s = a.lastSeen();
                if (s != null && (seen == null || s.isAfter(seen))) seen = s;
            }
            if (seen != null)
                m.signalToDelivery().record(seen.isAfter(at) ? Duration.ZERO : Duration.between(seen, at));
        }
    }

    /** Rows written for the channel that it took from their transaction. */
    void handedOver(ChannelName channel, int rows) {
        of(channel).handedOver().increment(rows);
    }

    /** Time a channel with messages to send spent waiting on its rate limit or a Retry-After. */
    void rateLimitWait(ChannelName channel, Duration waited) {
        if (waited.isZero() || waited.isNegative()) return;
        of(channel).rateLimitWait().increment(waited.toNanos() / 1e9);
    }

    void failed(ChannelName channel, String reason) {
        of(channel)
                .failed
                .computeIfAbsent(
                        String.valueOf(reason),
                        r -> Counter.builder(MeterNames.NOTIFICATIONS_FAILED)
                                .tag("channel", channel.id())
                                .tag("reason", r)
                                .description("Failed delivery attempts")
                                .register(meters))
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
