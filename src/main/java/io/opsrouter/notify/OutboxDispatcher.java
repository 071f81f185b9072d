package io.opsrouter.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opsrouter.alert.ChannelDirectory;
import io.opsrouter.alert.Severity;
import io.opsrouter.alert.Signal;
import io.opsrouter.app.Json;
import io.opsrouter.metrics.MeterNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox, one channel at a time per channel: {@link #dueChannels} says which channels may
 * look for work, {@link #deliverDue} claims that channel's due rows and sends them in order. A retryable
 * failure makes only that channel wait (exponential backoff with jitter, or the server's Retry-After) and
 * gives its remaining claimed rows back untried; other channels go on. After the retry budget a row is
 * dead and the router raises a P1 about the channel itself; the next delivery resolves it.
 * Bound as {@code notifyDispatcher}; {@code routes/notify.yaml} drives it.
 */
public final class OutboxDispatcher implements ChannelDirectory {
    public static final String BEAN = "notifyDispatcher";
    public static final String FALLBACK = "log";
    private static final Logger LOG = LoggerFactory.getLogger(OutboxDispatcher.class);
    private static final Duration NUDGE_WINDOW = Duration.ofMillis(100);
    private static final int MARK_BATCH = 20;
    private static final Set<String> CHANNEL_LEVEL_REASONS = Set.of("http_401", "http_403", "auth");

    private final OutboxQueue queue;
    private final MessageTemplates templates;
    private final DispatchSettings settings;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<String, ChannelState> states = new LinkedHashMap<>();
    private final Consumer<String> wakeListener = this::wake;
    private volatile CamelContext camel;
    private volatile ProducerTemplate producer;
    private volatile boolean running;

    public OutboxDispatcher(OutboxQueue queue, List<Channel> channels, MessageTemplates templates, DispatchSettings settings,
                            Clock clock, MeterRegistry meters) {
        this.queue = queue;
        this.templates = templates;
        this.settings = settings;
        this.clock = clock;
        this.meters = meters;
        for (Channel c : channels) states.put(c.name(), new ChannelState(c, settings));
        Gauge.builder(MeterNames.OUTBOX_DEPTH, this, d -> d.safeDepth()).description("Notifications not yet delivered nor dead")
                .register(meters);
        Gauge.builder(MeterNames.OUTBOX_OLDEST_AGE, this, d -> d.safeOldestAge()).baseUnit("seconds")
                .description("Age of the oldest undelivered notification").register(meters);
    }

    /** Starts the channels and listens for enqueues. */
    public void start(CamelContext camelContext) throws Exception {
        this.camel = camelContext;
        this.producer = camelContext.createProducerTemplate();
        for (ChannelState s : states.values()) {
            s.channel.start(camelContext);
            s.failing = queue.lastFinishedDead(s.name());
            s.queue = camelContext.getEndpoint(NotifyModule.queueUri(s.name()));
        }
        running = true;
        OutboxWake.listen(wakeListener);
    }

    public void stop() {
        running = false;
        OutboxWake.remove(wakeListener);
        for (ChannelState s : states.values()) s.channel.stop();
    }

    /** The poll interval in milliseconds, for the timer in routes/notify.yaml (whichever place set it). */
    public long pollMillis() {
        return settings.pollInterval().toMillis();
    }

    public List<String> channelNames() {
        return List.copyOf(states.keySet());
    }

    @Override
    public boolean enabled(String channel) {
        return states.containsKey(channel);
    }

    Map<String, ChannelState> states() { return states; }

    /** The channels that are not waiting out a backoff or an open circuit. */
    public List<String> dueChannels() {
        if (!running) return List.of();
        Instant now = clock.instant();
        List<String> due = new ArrayList<>();
        for (ChannelState s : states.values()) if (!s.pausedUntil.isAfter(now)) due.add(s.name());
        return due;
    }

    /** An enqueue in this process: wake the channel that will deliver it. */
    void wake(String channel) {
        ChannelState s = states.getOrDefault(channel, states.get(FALLBACK));
        if (s == null || !running) return;
        s.nudgedAt = Instant.now();
        ProducerTemplate p = producer;
        org.apache.camel.Endpoint queue = s.queue;
        if (p != null && queue != null && !s.pausedUntil.isAfter(clock.instant())) {
            p.sendBody(queue, s.name());
        }
    }

    /** Claims and sends the channel's due notifications, oldest first, until none is due or it must wait. */
    public void deliverDue(String channel) {
        ChannelState st = states.get(channel);
        if (st == null) return;
        List<String> others = FALLBACK.equals(channel) ? List.copyOf(states.keySet()) : null;
        while (isRunning()) {
            Instant now = clock.instant();
            if (st.pausedUntil.isAfter(now)) return;
            List<OutboxRow> rows = queue.claim(channel, others, settings.batchSize(), now, settings.lease());
            if (rows.isEmpty()) {
                if (Duration.between(st.nudgedAt, Instant.now()).compareTo(NUDGE_WINDOW) < 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                    continue;
                }
                return;
            }
            List<Long> accepted = new ArrayList<>();
            try {
                for (int i = 0; i < rows.size(); i++) {
                    if (!isRunning() || !deliverOne(st, rows.get(i), accepted)) {
                        markSentDurably(accepted);
                        Instant next = st.pausedUntil.isAfter(clock.instant()) ? st.pausedUntil : clock.instant();
                        queue.release(rows.subList(i + (isRunning() ? 1 : 0), rows.size()), next);
                        return;
                    }
                    if (!st.channel.batchMarks() || accepted.size() >= MARK_BATCH) markSentDurably(accepted);
                }
            } finally {
                markSentDurably(accepted);
            }
        }
    }

    private boolean isRunning() {
        CamelContext c = camel;
        return running && c != null && !c.isStopping() && !c.isStopped();
    }

    /** False when the channel must wait: the caller gives the rest of the batch back. */
    private boolean deliverOne(ChannelState st, OutboxRow row, List<Long> accepted) {
        String name = st.name();
        Notification n;
        RenderedMessage m;
        try {
            n = Json.MAPPER.readValue(row.payload(), Notification.class);
            m = templates.render(n);
        } catch (Exception e) {
            LOG.error("outbox row {} ({}) cannot be read or rendered, marking it dead: {}", row.id(), row.idempotencyKey(), e.getMessage());
            failed(name, "unreadable");
            queue.markDead(row.id(), row.attempts(), clock.instant(), "unreadable: " + e.getMessage());
            return true;
        }
        if (!st.breaker.tryAcquirePermission()) {
            st.pausedUntil = clock.instant().plus(settings.breakerOpenFor());
            queue.release(List.of(row), st.pausedUntil);
            return false;
        }
        long t0 = System.nanoTime();
        int attempts = row.attempts() + 1;
        try {
            send(st.channel, m);
            st.breaker.onSuccess(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            accepted.add(row.id());
            sent(name, n, clock.instant());
            if (st.failing) channelRecovered(st);
            return true;
        } catch (ChannelException e) {
            st.lastError = e.getMessage();
            failed(name, e.reason());
            Instant now = clock.instant();
            if (!e.isRetryable()) {
                st.breaker.releasePermission();
                LOG.warn("{} notification {} refused, not retried: {}", name, row.idempotencyKey(), e.getMessage());
                queue.markDead(row.id(), attempts, now, e.reason() + ": " + e.getMessage());
                if (CHANNEL_LEVEL_REASONS.contains(e.reason())) channelFailing(st, e.getMessage());
                return true;
            }
            st.breaker.onError(System.nanoTime() - t0, TimeUnit.NANOSECONDS, e);
            Duration wait = e.retryAfter() != null ? e.retryAfter()
                    : settings.backoff(attempts, ThreadLocalRandom.current().nextDouble());
            st.pausedUntil = now.plus(wait);
            if (attempts >= settings.maxAttempts()) {
                LOG.error("{} notification {} dead after {} attempts: {}", name, row.idempotencyKey(), attempts, e.getMessage());
                queue.markDead(row.id(), attempts, now, e.reason() + ": " + e.getMessage());
                channelFailing(st, e.getMessage());
            } else {
                LOG.info("{} notification {} failed (attempt {}), next try in {} ms: {}", name, row.idempotencyKey(), attempts,
                        wait.toMillis(), e.getMessage());
                queue.markRetry(row.id(), attempts, st.pausedUntil, e.reason() + ": " + e.getMessage());
            }
            return false;
        }
    }

    /**
     * Sends on the channel's own thread: each channel bounds its time itself (HTTP connect and response
     * timeouts, SMTP timeouts, the Slack client's 10 s timeouts). A hand-off to another thread per message
     * cost more than the send on a busy machine.
     */
    private static void send(Channel channel, RenderedMessage m) throws ChannelException {
        try {
            channel.send(m);
        } catch (ChannelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ChannelException.retryable("error", String.valueOf(e), e);
        }
    }

    /** The far side accepted them: they must never be sent again, so the mark is retried until the store takes it. */
    private void markSentDurably(List<Long> ids) {
        if (ids.isEmpty()) return;
        for (int i = 0; ; i++) {
            try {
                queue.markSent(ids, clock.instant());
                ids.clear();
                return;
            } catch (RuntimeException e) {
                if (i >= 50) throw e;
                LOG.warn("cannot mark {} accepted notifications sent yet: {}", ids.size(), e.getMessage());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100L * (i + 1)));
            }
        }
    }

    private void sent(String channel, Notification n, Instant at) {
        Counter.builder(MeterNames.NOTIFICATIONS_SENT).tag("channel", channel).description("Notifications delivered")
                .register(meters).increment();
        if (n.kind() == Notification.Kind.FIRING || n.kind() == Notification.Kind.RESOLVED
                || n.kind() == Notification.Kind.CHANNEL_FAILURE) {
            n.alerts().stream().map(AlertView::lastSeen).filter(java.util.Objects::nonNull).max(Instant::compareTo)
                    .ifPresent(seen -> Timer.builder(MeterNames.SIGNAL_TO_DELIVERY).tag("channel", channel)
                            .description("From the signal to the delivery of its message").publishPercentileHistogram()
                            .register(meters).record(Duration.between(seen, at).isNegative() ? Duration.ZERO : Duration.between(seen, at)));
        }
    }

    private void failed(String channel, String reason) {
        Counter.builder(MeterNames.NOTIFICATIONS_FAILED).tag("channel", channel).tag("reason", reason)
                .description("Failed delivery attempts").register(meters).increment();
    }

    private void channelFailing(ChannelState st, String reason) {
        if (st.failing) return;
        if (signal(st.name(), Signal.State.FIRING, reason)) st.failing = true;
    }

    private void channelRecovered(ChannelState st) {
        if (signal(st.name(), Signal.State.RESOLVED, null)) st.failing = false;
    }

    private boolean signal(String channel, Signal.State state, String reason) {
        ProducerTemplate p = producer;
        if (p == null) return false;
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", state == Signal.State.FIRING
                ? "Notifications to " + channel + " are failing; messages went dead: " + reason
                : "Notifications to " + channel + " are delivered again");
        annotations.put("runbook", "docs/channels.md#when-a-channel-is-down");
        Signal s = new Signal("router", "channel-failing", Map.of("alertname", "channel-failing", "channel", channel), annotations,
                Map.of(), state, Severity.P1, clock.instant(), null);
        try {
            p.sendBody(Signal.ENDPOINT, s);
            LOG.warn("channel {} {}", channel, state == Signal.State.FIRING ? "failing: raised a P1" : "recovered: resolved its P1");
            return true;
        } catch (RuntimeException e) {
            LOG.error("cannot raise the channel-failing signal for {}: {}", channel, e.getMessage());
            return false;
        }
    }

    private double safeDepth() {
        try {
            return queue.depth();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private double safeOldestAge() {
        try {
            return queue.oldestPending().map(t -> Math.max(0, Duration.between(t, clock.instant()).toMillis() / 1000.0)).orElse(0.0);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
