package io.opsrouter.notify;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opsrouter.app.Json;
import io.opsrouter.outbox.AlertView;
import io.opsrouter.outbox.ChannelAlarm;
import io.opsrouter.outbox.ChannelDirectory;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.OutboxQueue;
import io.opsrouter.outbox.OutboxRow;
import io.opsrouter.outbox.OutboxWake;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.metrics.MeterNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox, each channel on its own: {@link #dueChannels} says which channels may look for work,
 * {@link #deliverDue} claims that channel's due rows and sends them in lanes, several messages at once
 * ({@code notify.concurrency}), each group's messages in order within one lane. A retryable failure makes
 * only that channel wait (exponential backoff with jitter, or the server's Retry-After) and gives its
 * remaining claimed rows back untried; other channels go on. After the retry budget a row is
 * dead and the router raises a P1 about the channel itself; the next delivery resolves it.
 * Bound as {@code notifyDispatcher}; {@code routes/notify.yaml} drives it.
 */
public final class OutboxDispatcher implements ChannelDirectory {
    public static final String BEAN = "notifyDispatcher";
    public static final ChannelName FALLBACK = ChannelName.LOG;
    private static final Logger LOG = LoggerFactory.getLogger(OutboxDispatcher.class);
    private static final Set<String> CHANNEL_LEVEL_REASONS = Set.of("http_401", "http_403", "auth");

    private final OutboxQueue queue;
    private final MessageTemplates templates;
    private final DispatchSettings settings;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<ChannelName, ChannelState> states = new LinkedHashMap<>();
    private final Consumer<ChannelName> wakeListener = this::wake;
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
            s.startLanes(settings.lanes(s.name()));
        }
        running = true;
        OutboxWake.listen(wakeListener);
    }

    public void stop() {
        running = false;
        OutboxWake.remove(wakeListener);
        for (ChannelState s : states.values()) {
            s.stopLanes();
            s.channel.stop();
        }
    }

    /** The poll interval in milliseconds, for the timer in routes/notify.yaml (whichever place set it). */
    public long pollMillis() {
        return settings.pollInterval().toMillis();
    }

    public List<ChannelName> channelNames() {
        return List.copyOf(states.keySet());
    }

    @Override
    public boolean enabled(ChannelName channel) {
        return states.containsKey(channel);
    }

    Map<ChannelName, ChannelState> states() { return states; }

    /** The channels that are not waiting out a backoff or an open circuit. */
    public List<String> dueChannels() {
        if (!running) return List.of();
        Instant now = clock.instant();
        List<String> due = new ArrayList<>();
        for (ChannelState s : states.values()) if (!s.pausedUntil.isAfter(now)) due.add(s.name().id());
        return due;
    }

    /** An enqueue in this process committed: wake the channel that will deliver it. */
    void wake(ChannelName channel) {
        ChannelState s = states.getOrDefault(channel, states.get(FALLBACK));
        if (s == null || !running) return;
        ProducerTemplate p = producer;
        org.apache.camel.Endpoint queue = s.queue;
        if (p != null && queue != null && !s.pausedUntil.isAfter(clock.instant())) {
            p.sendBody(queue, s.name().id());
        }
    }

    /**
     * Claims and sends the channel's due notifications, oldest first, until none is due or it must wait.
     * Each claimed batch is split into lanes by {@link #laneKey}; the lanes run at once, each in claim order,
     * while this thread claims the next batch. The next batch starts when the last lane of this one is done.
     */
    public void deliverDue(String channel) {
        ChannelState st = ChannelName.parse(channel).map(states::get).orElse(null);
        if (st == null) return;
        List<ChannelName> others = st.name() == FALLBACK ? List.copyOf(states.keySet()) : null;
        List<OutboxRow> rows = claim(st, others);
        while (!rows.isEmpty()) {
            Batch batch = new Batch();
            List<OutboxRow> next = List.of();
            // a short batch took all that was due; a later enqueue wakes the channel again
            boolean more = rows.size() >= settings.batchSize();
            try {
                List<Future<?>> lanes = start(st, rows, batch, more);
                try {
                    if (more) next = claim(st, others);
                } finally {
                    awaitAll(lanes);
                }
            } finally {
                if (batch.stopped || !isRunning() || st.pausedUntil.isAfter(clock.instant())) {
                    batch.untried(next);
                    next = List.of();
                }
                writeBack(st, batch);
            }
            rows = next;
        }
    }

    private List<OutboxRow> claim(ChannelState st, List<ChannelName> others) {
        Instant now = clock.instant();
        if (!isRunning() || st.pausedUntil.isAfter(now)) return List.of();
        return queue.claim(st.name(), others, settings.batchSize(), now, settings.lease());
    }

    /**
     * Messages with the same lane key keep their order; others may overtake each other. Same group, and for
     * person-addressed channels the same person: each person reads one group's messages in order.
     */
    static String laneKey(Notification n) {
        Recipient r = n.recipient();
        String who = r == null ? "" : r.phone() != null ? r.phone() : String.valueOf(r.email());
        return n.groupKey() + "\n" + who;
    }

    /** Starts the batch's lanes; a single lane with no next batch to claim meanwhile runs on this thread, at once. */
    private List<Future<?>> start(ChannelState st, List<OutboxRow> rows, Batch batch, boolean claimMeanwhile) {
        List<List<Item>> lanes = lanes(st, rows, batch);
        if (lanes.size() == 1 && !claimMeanwhile) {
            runLane(st, lanes.get(0), batch);
            return List.of();
        }
        List<Future<?>> running = new ArrayList<>();
        ExecutorService pool = st.lanes;
        for (List<Item> lane : lanes) {
            try {
                running.add(pool.submit(() -> runLane(st, lane, batch)));
            } catch (RejectedExecutionException e) {
                batch.untried(lane.stream().map(Item::row).toList());
            }
        }
        return running;
    }

    /** Accepted rows sent, failed ones due again or dead, the rest given back: one transaction per batch. */
    private void writeBack(ChannelState st, Batch batch) {
        Instant now = clock.instant();
        Instant releaseAt = st.pausedUntil.isAfter(now) ? st.pausedUntil : now;
        durably("write back " + (batch.sent.size() + batch.failures.size() + batch.untried.size()) + " claimed notifications",
                () -> queue.finish(batch.sent, now, batch.failures, batch.untried, releaseAt));
    }

    /** Reads the batch and splits it into lanes; one lane while the circuit is not closed, so one trial send decides. */
    private List<List<Item>> lanes(ChannelState st, List<OutboxRow> rows, Batch batch) {
        int n = st.breaker.getState() == CircuitBreaker.State.CLOSED ? settings.lanes(st.name()) : 1;
        Map<Integer, List<Item>> lanes = new LinkedHashMap<>();
        for (OutboxRow row : rows) {
            Notification note;
            try {
                note = Json.MAPPER.readValue(row.payload(), Notification.class);
            } catch (Exception e) {
                unreadable(st, row, e, batch);
                continue;
            }
            int lane = n == 1 ? 0 : Math.floorMod(laneKey(note).hashCode(), n);
            lanes.computeIfAbsent(lane, k -> new ArrayList<>()).add(new Item(row, note));
        }
        return new ArrayList<>(lanes.values());
    }

    /** Sends one lane in order; stops at the first failure after which the channel must wait, or when any lane stopped. */
    private void runLane(ChannelState st, List<Item> lane, Batch batch) {
        int i = 0;
        try {
            while (i < lane.size() && !batch.stopped && isRunning()) {
                boolean goOn = deliverOne(st, lane.get(i++), batch);
                if (!goOn) batch.stopped = true;
            }
            batch.untried(lane.subList(i, lane.size()).stream().map(Item::row).toList());
        } catch (RuntimeException e) {
            // the row in hand may have gone out: this lane's rows wait for their lease, and the channel with
            // them, so no later message of their groups overtakes them
            st.pauseUntil(clock.instant().plus(settings.lease()));
            batch.stopped = true;
            LOG.error("{}: delivering notification {} failed; it and the {} after it in its lane are retried when their lease ends",
                    st.name(), lane.get(Math.max(0, i - 1)).row().idempotencyKey(), lane.size() - i, e);
        }
    }

    private static void awaitAll(List<Future<?>> lanes) {
        boolean interrupted = false;
        for (Future<?> f : lanes) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    LOG.error("a delivery lane failed", e.getCause());
                    break;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private boolean isRunning() {
        CamelContext c = camel;
        return running && c != null && !c.isStopping() && !c.isStopped();
    }

    private void unreadable(ChannelState st, OutboxRow row, Exception e, Batch batch) {
        LOG.error("outbox row {} ({}) cannot be read or rendered, marking it dead: {}", row.id(), row.idempotencyKey(), e.getMessage());
        failed(st.name().id(), "unreadable");
        batch.failed(new OutboxQueue.Failure(row.id(), row.attempts(), true, clock.instant(), "unreadable: " + e.getMessage()));
    }

    /** False when the channel must wait: the caller gives the rest of the batch back. */
    private boolean deliverOne(ChannelState st, Item item, Batch batch) {
        String name = st.name().id();
        OutboxRow row = item.row();
        Notification n = item.notification();
        RenderedMessage m;
        try {
            m = templates.render(n);
        } catch (RuntimeException e) {
            unreadable(st, row, e, batch);
            return true;
        }
        if (!st.breaker.tryAcquirePermission()) {
            st.pauseUntil(clock.instant().plus(settings.breakerOpenFor()));
            batch.untried(List.of(row));
            return false;
        }
        long t0 = System.nanoTime();
        int attempts = row.attempts() + 1;
        try {
            send(st.channel, m);
            st.breaker.onSuccess(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            if (st.channel.batchMarks()) batch.sent(row.id());
            else durably("mark an accepted notification sent", () -> queue.markSent(List.of(row.id()), clock.instant()));
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
                batch.failed(new OutboxQueue.Failure(row.id(), attempts, true, now, e.reason() + ": " + e.getMessage()));
                if (CHANNEL_LEVEL_REASONS.contains(e.reason())) channelFailing(st, e.getMessage());
                return true;
            }
            st.breaker.onError(System.nanoTime() - t0, TimeUnit.NANOSECONDS, e);
            Duration wait = e.retryAfter() != null ? e.retryAfter()
                    : settings.backoff(attempts, ThreadLocalRandom.current().nextDouble());
            Instant next = now.plus(wait);
            st.pauseUntil(next);
            if (attempts >= settings.maxAttempts()) {
                LOG.error("{} notification {} dead after {} attempts: {}", name, row.idempotencyKey(), attempts, e.getMessage());
                batch.failed(new OutboxQueue.Failure(row.id(), attempts, true, now, e.reason() + ": " + e.getMessage()));
                channelFailing(st, e.getMessage());
            } else {
                LOG.info("{} notification {} failed (attempt {}), next try in {} ms: {}", name, row.idempotencyKey(), attempts,
                        wait.toMillis(), e.getMessage());
                batch.failed(new OutboxQueue.Failure(row.id(), attempts, false, next, e.reason() + ": " + e.getMessage()));
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

    /**
     * Writes back what the far side accepted: such rows must never be sent again, so the write is retried
     * until the store takes it.
     */
    private static void durably(String what, Runnable write) {
        for (int i = 0; ; i++) {
            try {
                write.run();
                return;
            } catch (RuntimeException e) {
                if (i >= 50) throw e;
                LOG.warn("cannot {} yet: {}", what, e.getMessage());
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
        synchronized (st) {
            if (st.failing) return;
            if (alarm(st.name(), true, reason)) st.failing = true;
        }
    }

    private void channelRecovered(ChannelState st) {
        synchronized (st) {
            if (!st.failing) return;
            if (alarm(st.name(), false, null)) st.failing = false;
        }
    }

    private record Item(OutboxRow row, Notification notification) {}

    /** What the lanes of one claimed batch did, written back in one transaction when they are all done. */
    private static final class Batch {
        final List<Long> sent = new ArrayList<>();
        final List<OutboxQueue.Failure> failures = new ArrayList<>();
        final List<OutboxRow> untried = new ArrayList<>();
        volatile boolean stopped;

        synchronized void sent(long id) { sent.add(id); }
        synchronized void failed(OutboxQueue.Failure f) { failures.add(f); }
        synchronized void untried(List<OutboxRow> rows) { untried.addAll(rows); }
    }

    private boolean alarm(ChannelName channel, boolean failing, String reason) {
        ProducerTemplate p = producer;
        if (p == null) return false;
        try {
            p.sendBody(ChannelAlarm.ENDPOINT, new ChannelAlarm(channel, failing, reason, clock.instant()));
            LOG.warn("channel {} {}", channel, failing ? "failing: raised a P1" : "recovered: resolved its P1");
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
