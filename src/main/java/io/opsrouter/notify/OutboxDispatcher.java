package io.opsrouter.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.outbox.ChannelAlarm;
import io.opsrouter.outbox.ChannelDirectory;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Handover;
import io.opsrouter.outbox.OutboxQueue;
import io.opsrouter.outbox.OutboxRow;
import io.opsrouter.outbox.OutboxWake;
import io.opsrouter.store.Replicas;
import io.opsrouter.watchdog.Progress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery loop, each channel on its own: {@link #dueChannels} says which channels may look for work,
 * {@link #deliverDue} claims as many of that channel's due rows as it has room for in flight and tokens for in its
 * rate limit, most severe first, and starts their sends without waiting for them ({@link MessageSender}). A channel
 * with room and no backlog takes new rows straight from the transaction that writes them ({@link DirectHandover}),
 * with no claim. Each
 * answer is written at once ({@link MarkWriter}) and wakes the channel to claim more; an enqueue wakes it too, so a
 * new P1 is claimed ahead of a queued storm. While sends are in progress their rows' lease is renewed, so a slow
 * receiver never makes a row look abandoned. What a failure makes of a row is the {@link RetryPolicy}'s decision;
 * the breaker and the P1 about a failing channel are its {@link ChannelHealth}'s. Bound as {@code notifyDispatcher};
 * {@code routes/notify.yaml} drives it.
 */
public final class OutboxDispatcher implements ChannelDirectory {
    public static final String BEAN = "notifyDispatcher";
    /** Takes what is addressed to a channel that is not configured. */
    public static final ChannelName FALLBACK = ChannelName.LOG;

    private static final Logger LOG = LoggerFactory.getLogger(OutboxDispatcher.class);

    private final OutboxQueue queue;
    private final DispatchSettings settings;
    private final Clock clock;
    private final DeliveryMeters meters;
    private final MarkWriter marks;
    private final MessageSender sender;
    private final ScheduledExecutorService timer;
    private final Map<ChannelName, ChannelState> states = new LinkedHashMap<>();
    private final DirectHandover handover;
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
            MeterRegistry registry,
            Function<String, Progress> progress) {
        this.queue = queue;
        this.settings = settings;
        this.clock = clock;
        this.meters = new DeliveryMeters(registry, queue, clock);
        this.marks = new MarkWriter(queue);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "notify-timer");
            t.setDaemon(true);
            return t;
        });
        this.sender = new MessageSender(
                templates,
                RetryPolicy.of(settings),
                meters,
                marks,
                clock,
                settings,
                timer,
                st -> wake(st.name()),
                this::isRunning);
        long now = System.nanoTime();
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
                                    clock),
                            new TokenBucket(settings.rate(c.name()), now),
                            settings.inFlight(c.name()),
                            progress.apply("notify-" + c.name().id())));
        }
        this.handover =
                new DirectHandover(states, sender, meters, clock, settings.lease(), queue.claimer(), this::isRunning);
    }

    /** Starts the channels, the lease renewal, and listens for enqueues. */
    public void start(CamelContext camelContext) throws Exception {
        this.camel = camelContext;
        this.producer = camelContext.createProducerTemplate();
        for (ChannelState s : states.values()) {
            s.channel.start(camelContext);
            s.health.failingSince(queue.lastFinishedDead(s.name()));
            s.queue = camelContext.getEndpoint(NotifyModule.queueUri(s.name()));
        }
        queue.claimsOfAKilledProcessDueNow(clock.instant());
        running = true;
        long every = Math.max(1, settings.lease().toMillis() / 3);
        timer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        OutboxWake.listen(wakeListener);
    }

    /**
     * On PostgreSQL, the claims of replicas no longer {@code live} (a killed router, this one before a restart) are
     * due now rather than when their lease ends; every channel then claims before it takes new rows from their
     * transaction, so nothing of theirs is overtaken. Run when the live replicas change, and once more a membership
     * later for the claims the gone replica made in its last seconds (left alone at first, as a new replica's are).
     */
    public void claimsOfGoneReplicasDueNow(Supplier<List<String>> live) {
        claimsOfGoneReplicasDueNow(live.get());
        try {
            timer.schedule(
                    () -> claimsOfGoneReplicasDueNow(live.get()), Replicas.TTL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // stopping: nothing more is claimed
        }
    }

    private void claimsOfGoneReplicasDueNow(List<String> live) {
        if (!running) return;
        int n;
        try {
            n = queue.claimsOfGoneReplicasDueNow(live, clock.instant(), settings.lease(), Replicas.TTL);
        } catch (RuntimeException e) {
            LOG.warn("could not take over the messages of replicas no longer live: {}", e.getMessage());
            return;
        }
        if (n == 0) return;
        LOG.info("{} messages claimed by replicas no longer live are due again now (live: {})", n, live);
        for (ChannelState st : states.values()) {
            st.pending.madeDue();
            wake(st.name());
        }
    }

    /**
     * Stops claiming, gives back the rows waiting for their lane, lets the sends in flight end (up to a send timeout)
     * and writes their outcome. A send still in flight after that keeps its rows until their lease ends.
     */
    public void stop() {
        running = false;
        OutboxWake.remove(wakeListener);
        Instant now = clock.instant();
        for (ChannelState s : states.values()) sender.giveBack(s, s.unblock(null), now, null);
        long until = System.nanoTime() + settings.sendTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < until && states.values().stream().anyMatch(s -> s.inFlight() > 0))
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        marks.close();
        timer.shutdownNow();
        for (ChannelState s : states.values()) {
            s.channel.stop();
            s.stop();
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

    @Override
    public Handover handover() {
        return handover;
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

    /** An enqueue in this process committed, or a send ended: wake the channel that will deliver. */
    void wake(ChannelName channel) {
        ChannelState s = states.getOrDefault(channel, states.get(FALLBACK));
        if (s == null || !running) return;
        ProducerTemplate p = producer;
        Endpoint q = s.queue;
        // a wake that would find nothing to claim costs no exchange: the answer or mark that frees room wakes again;
        // without a backlog, what is written is taken from its transaction and what falls due later is polled for
        if (p != null
                && q != null
                && (s.pending.maybe() || s.name() != channel)
                && !s.waiting(clock.instant())
                && !waitsForRoom(s, System.nanoTime())) p.sendBody(q, s.name().id());
    }

    /**
     * True when a claim now would take nothing though rows may be due: sends in flight or marks on their way (whose
     * ends wake the channel) leave less than half the window free, so the claim waits for more room rather than
     * claiming a row or two per answer. A rate limit's few tokens, or a circuit that is not closed, never wait here.
     */
    private boolean waitsForRoom(ChannelState st, long nanos) {
        if (!st.health.closed()) return false;
        int room = st.free();
        int want = Math.min(Math.min(room, st.bucket.available(nanos)), settings.claimSize());
        return want > 0 && want == room && want < Math.min(settings.claimSize(), st.window / 2) && st.busy() > 0;
    }

    /**
     * Claims the channel's due notifications, most severe first, as many as it has room for in flight and tokens for
     * now, and starts their sends; again while a claim comes back full. Returns without waiting for any send.
     */
    public void deliverDue(String channel) {
        ChannelState st = ChannelName.parse(channel).map(states::get).orElse(null);
        if (st == null) return;
        List<ChannelName> others = st.name() == FALLBACK ? List.copyOf(states.keySet()) : null;
        while (isRunning()) {
            Instant now = clock.instant();
            if (st.waiting(now)) return;
            long nanos = System.nanoTime();
            int room = st.free();
            // while the circuit is not closed, one trial send at a time decides
            if (!st.health.closed()) room = st.inFlight() == 0 ? Math.min(room, 1) : 0;
            int tokens = st.bucket.available(nanos);
            int want = Math.min(Math.min(room, tokens), settings.claimSize());
            if (want <= 0) {
                if (room > 0 && tokens <= 0) rateLimited(st, nanos);
                return;
            }
            // with sends in flight or marks on their way, whose ends wake the channel, a claim waits until half the
            // window is free rather than claiming a row or two per answer; a rate limit's few tokens are claimed at
            // once
            if (want == room && want < Math.min(settings.claimSize(), st.window / 2) && st.busy() > 0) return;
            long pendingBefore = st.pending.writtenSoFar();
            List<OutboxRow> rows = queue.claim(
                    st.name(),
                    others,
                    want,
                    now,
                    settings.lease(),
                    st.expiredScanDue(nanos),
                    st.channel instanceof LooksUpSends);
            st.pending.claimed(pendingBefore, rows.size(), want);
            if (rows.isEmpty()) {
                st.rateWaitEnded(nanos);
                return;
            }
            st.bucket.take(rows.size(), nanos);
            meters.rateLimitWait(st.name(), Duration.ofNanos(st.rateWaitEnded(nanos)));
            sender.take(st, rows);
            // a short claim took all that was due; a later enqueue or answer wakes the channel again
            if (rows.size() < want) return;
        }
    }

    /** The channel has room but no token: it is woken when the next token is there. */
    private void rateLimited(ChannelState st, long nanos) {
        st.rateWaiting(nanos);
        long next = Math.max(1, st.bucket.nanosToNext(nanos));
        try {
            timer.schedule(() -> wake(st.name()), next, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // stopping: nothing more is sent
        }
    }

    /**
     * Moves the lease of every row held (in flight, waiting for its lane, or with its mark not yet written) to a
     * lease from now, one transaction per channel. A row that lost its claim is forgotten: its outcome will not be
     * written by this claimer.
     */
    private void renew() {
        handover.letGoStale();
        Instant until = clock.instant().plus(settings.lease());
        for (ChannelState st : states.values()) {
            List<OutboxRow> rows = st.heldRows();
            if (rows.isEmpty()) continue;
            try {
                boolean[] held = queue.renew(rows, until);
                for (int i = 0; i < held.length; i++) {
                    if (!held[i]) st.forget(rows.get(i).id());
                }
            } catch (RuntimeException e) {
                LOG.warn("{}: cannot renew the lease of {} rows yet: {}", st.name(), rows.size(), e.getMessage());
            }
        }
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
