package io.opsrouter.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.outbox.ChannelAlarm;
import io.opsrouter.outbox.ChannelDirectory;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.OutboxQueue;
import io.opsrouter.outbox.OutboxRow;
import io.opsrouter.outbox.OutboxWake;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery loop, each channel on its own: {@link #dueChannels} says which channels may look for work,
 * {@link #deliverDue} claims that channel's due rows, sends them in lanes ({@link LaneSender}), several messages at
 * once, each group's messages in order within one lane, and writes the outcome back. What a failure makes of a row
 * is the {@link RetryPolicy}'s decision; the breaker and the P1 about a failing channel are its
 * {@link ChannelHealth}'s. Bound as {@code notifyDispatcher}; {@code routes/notify.yaml} drives it.
 */
public final class OutboxDispatcher implements ChannelDirectory {
    public static final String BEAN = "notifyDispatcher";
    /** Takes what is addressed to a channel that is not configured. */
    public static final ChannelName FALLBACK = ChannelName.LOG;

    private static final Logger LOG = LoggerFactory.getLogger(OutboxDispatcher.class);

    private final OutboxQueue queue;
    private final DispatchSettings settings;
    private final Clock clock;
    private final LaneSender sender;
    private final Map<ChannelName, ChannelState> states = new LinkedHashMap<>();
    private final Consumer<ChannelName> wakeListener = this::wake;
    private volatile CamelContext camel;
    private volatile ProducerTemplate producer;
    private volatile boolean running;

    public OutboxDispatcher(
            OutboxQueue queue,
            List<Channel> channels,
            MessageTemplates templates,
            DispatchSettings settings,
            Clock clock,
            MeterRegistry meters) {
        this.queue = queue;
        this.settings = settings;
        this.clock = clock;
        this.sender = new LaneSender(
                templates,
                RetryPolicy.of(settings),
                new DeliveryMeters(meters, queue, clock),
                queue,
                clock,
                settings,
                this::isRunning);
        for (Channel c : channels) {
            states.put(
                    c.name(),
                    new ChannelState(
                            c,
                            new ChannelHealth(
                                    c.name(),
                                    settings.breakerFailures(),
                                    settings.breakerOpenFor(),
                                    this::alarm,
                                    clock)));
        }
    }

    /** Starts the channels and listens for enqueues. */
    public void start(CamelContext camelContext) throws Exception {
        this.camel = camelContext;
        this.producer = camelContext.createProducerTemplate();
        for (ChannelState s : states.values()) {
            s.channel.start(camelContext);
            s.health.failingSince(queue.lastFinishedDead(s.name()));
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

    Map<ChannelName, ChannelState> states() {
        return states;
    }

    /** The channels that are not waiting out a backoff or an open circuit. */
    public List<String> dueChannels() {
        if (!running) return List.of();
        Instant now = clock.instant();
        List<String> due = new ArrayList<>();
        for (ChannelState s : states.values())
            if (!s.waiting(now)) due.add(s.name().id());
        return due;
    }

    /** An enqueue in this process committed: wake the channel that will deliver it. */
    void wake(ChannelName channel) {
        ChannelState s = states.getOrDefault(channel, states.get(FALLBACK));
        if (s == null || !running) return;
        ProducerTemplate p = producer;
        Endpoint q = s.queue;
        if (p != null && q != null && !s.waiting(clock.instant()))
            p.sendBody(q, s.name().id());
    }

    /**
     * Claims and sends the channel's due notifications, oldest first, until none is due or it must wait.
     * Each claimed batch is split into {@link Lanes}; the lanes run at once, each in claim order,
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
                    Lanes.awaitAll(lanes);
                }
            } finally {
                if (batch.stopped || !isRunning() || st.waiting(clock.instant())) {
                    batch.untried(next);
                    next = List.of();
                }
                writeBack(st, batch);
            }
            rows = next;
        }
        // this channel's delivery cycle is finished: nothing more is due, or the channel waits
    }

    private List<OutboxRow> claim(ChannelState st, List<ChannelName> others) {
        Instant now = clock.instant();
        if (!isRunning() || st.waiting(now)) return List.of();
        return queue.claim(st.name(), others, settings.batchSize(), now, settings.lease());
    }

    /** Starts the batch's lanes; a single lane with no next batch to claim meanwhile runs on this thread, at once. */
    private List<Future<?>> start(ChannelState st, List<OutboxRow> rows, Batch batch, boolean claimMeanwhile) {
        List<List<Batch.Item>> lanes = lanes(st, rows, batch);
        if (lanes.size() == 1 && !claimMeanwhile) {
            sender.runLane(st, lanes.get(0), batch);
            return List.of();
        }
        List<Future<?>> started = new ArrayList<>();
        ExecutorService pool = st.lanes;
        for (List<Batch.Item> lane : lanes) {
            try {
                started.add(pool.submit(() -> sender.runLane(st, lane, batch)));
            } catch (RejectedExecutionException e) {
                batch.untried(lane.stream().map(Batch.Item::row).toList());
            }
        }
        return started;
    }

    /** One lane while the circuit is not closed, so one trial send decides. */
    private List<List<Batch.Item>> lanes(ChannelState st, List<OutboxRow> rows, Batch batch) {
        int n = st.health.closed() ? settings.lanes(st.name()) : 1;
        return Lanes.split(rows, n, (row, e) -> sender.unreadable(st, row, e, batch));
    }

    /** Accepted rows sent, failed ones due again or dead, the rest given back: one transaction per batch. */
    private void writeBack(ChannelState st, Batch batch) {
        Instant now = clock.instant();
        Instant releaseAt = st.waiting(now) ? st.pausedUntil() : now;
        LaneSender.durably(
                "write back " + batch.size() + " claimed notifications",
                () -> queue.finish(batch.sent, now, batch.failures, batch.untried, releaseAt));
    }

    private boolean isRunning() {
        CamelContext c = camel;
        return running && c != null && !c.isStopping() && !c.isStopped();
    }

    /** Hands a channel's failing or recovered alarm to the alert side (routes/alerts.yaml); false when it could not. */
    private boolean alarm(ChannelAlarm alarm) {
        ProducerTemplate p = producer;
        if (p == null) return false;
        try {
            p.sendBody(ChannelAlarm.ENDPOINT, alarm);
            LOG.warn(
                    "channel {} {}",
                    alarm.channel(),
                    alarm.failing() ? "failing: raised a P1" : "recovered: resolved its P1");
            return true;
        } catch (RuntimeException e) {
            LOG.error("cannot raise the channel-failing signal for {}: {}", alarm.channel(), e.getMessage());
            return false;
        }
    }
}
