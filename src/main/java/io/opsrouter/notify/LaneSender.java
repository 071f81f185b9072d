package io.opsrouter.notify;

import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.OutboxQueue;
import io.opsrouter.outbox.OutboxRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one lane of a claimed batch, in order: renders each message, asks the channel's breaker, sends, and
 * records the outcome in the {@link Batch}; the {@link RetryPolicy} decides what a failure makes of the row and
 * whether the channel must wait, in which case the lane (and the batch's other lanes) stop.
 */
final class LaneSender {
    private static final Logger LOG = LoggerFactory.getLogger(LaneSender.class);

    private final MessageTemplates templates;
    private final RetryPolicy retry;
    private final DeliveryMeters meters;
    private final OutboxQueue queue;
    private final Clock clock;
    private final Duration lease;
    private final Duration breakerOpenFor;
    private final BooleanSupplier running;

    LaneSender(
            MessageTemplates templates,
            RetryPolicy retry,
            DeliveryMeters meters,
            OutboxQueue queue,
            Clock clock,
            DispatchSettings settings,
            BooleanSupplier running) {
        this.templates = templates;
        this.retry = retry;
        this.meters = meters;
        this.queue = queue;
        this.clock = clock;
        this.lease = settings.lease();
        this.breakerOpenFor = settings.breakerOpenFor();
        this.running = running;
    }

    /** Sends one lane in order; stops at the first failure after which the channel must wait, or when any lane stopped. */
    void runLane(ChannelState st, List<Batch.Item> lane, Batch batch) {
        int i = 0;
        try {
            while (i < lane.size() && !batch.stopped && running.getAsBoolean()) {
                boolean goOn = deliverOne(st, lane.get(i++), batch);
                if (!goOn) batch.stopped = true;
            }
            batch.untried(
                    lane.subList(i, lane.size()).stream().map(Batch.Item::row).toList());
        } catch (RuntimeException e) {
            // the row in hand may have gone out: this lane's rows wait for their lease, and the channel with
            // them, so no later message of their groups overtakes them
            st.pauseUntil(clock.instant().plus(lease));
            batch.stopped = true;
            LOG.error(
                    "{}: delivering notification {} failed; it and the {} after it in its lane are retried when their lease ends",
                    st.name(),
                    lane.get(Math.max(0, i - 1)).row().idempotencyKey(),
                    lane.size() - i,
                    e);
        }
    }

    /** A row that cannot be read or rendered is dead at once: no retry can change it. */
    void unreadable(ChannelState st, OutboxRow row, Exception e, Batch batch) {
        LOG.error(
                "outbox row {} ({}) cannot be read or rendered, marking it dead: {}",
                row.id(),
                row.idempotencyKey(),
                e.getMessage());
        meters.failed(st.name(), "unreadable");
        batch.failed(new OutboxQueue.Failure(
                row.id(), row.attempts(), true, clock.instant(), "unreadable: " + e.getMessage()));
    }

    /** False when the channel must wait: the caller gives the rest of the batch back. */
    private boolean deliverOne(ChannelState st, Batch.Item item, Batch batch) {
        OutboxRow row = item.row();
        Notification n = item.notification();
        RenderedMessage m;
        try {
            m = templates.render(n);
        } catch (RuntimeException e) {
            unreadable(st, row, e, batch);
            return true;
        }
        if (!st.health.tryAcquire()) {
            st.pauseUntil(clock.instant().plus(breakerOpenFor));
            batch.untried(List.of(row));
            return false;
        }
        long t0 = System.nanoTime();
        int attempt = row.attempts() + 1;
        try {
            send(st.channel, m);
            st.health.succeeded(System.nanoTime() - t0);
            if (st.channel.batchMarks()) batch.sent(row.id());
            else
                durably("mark an accepted notification sent", () -> queue.markSent(List.of(row.id()), clock.instant()));
            meters.sent(st.name(), n, clock.instant());
            st.health.delivered();
            LOG.info(
                    "{} delivered {} {} to {} (attempt {}, {})",
                    st.name(),
                    n.kind().label(),
                    alertNames(n),
                    n.recipient() == null || n.recipient().name() == null
                            ? st.name()
                            : n.recipient().name(),
                    attempt,
                    row.idempotencyKey());
            return true;
        } catch (ChannelException e) {
            st.health.failed(e, System.nanoTime() - t0);
            meters.failed(st.name(), e.reason());
            Instant now = clock.instant();
            RetryPolicy.Decision d = retry.afterFailure(
                    attempt, e, now, ThreadLocalRandom.current().nextDouble());
            if (!d.goOn()) st.pauseUntil(d.channelWaitsUntil());
            if (!e.isRetryable()) {
                LOG.warn(
                        "{} notification {} refused, not retried: {}", st.name(), row.idempotencyKey(), e.getMessage());
            } else if (d.dead()) {
                LOG.error(
                        "{} notification {} dead after {} attempts: {}",
                        st.name(),
                        row.idempotencyKey(),
                        attempt,
                        e.getMessage());
            } else {
                LOG.info(
                        "{} notification {} failed (attempt {}), next try in {} ms: {}",
                        st.name(),
                        row.idempotencyKey(),
                        attempt,
                        Duration.between(now, d.at()).toMillis(),
                        e.getMessage());
            }
            batch.failed(
                    new OutboxQueue.Failure(row.id(), attempt, d.dead(), d.at(), e.reason() + ": " + e.getMessage()));
            if (d.channelFailing()) st.health.failing(e.getMessage());
            return d.goOn();
        }
    }

    /** Which alerts a message is about, by name and id; never the phone, address or message text. */
    private static String alertNames(Notification n) {
        if (n.alerts().isEmpty()) return n.severity() == null ? "-" : n.severity();
        StringBuilder sb = new StringBuilder(n.severity() == null ? "" : n.severity() + " ");
        for (int i = 0; i < n.alerts().size() && i < 3; i++) {
            if (i > 0) sb.append(", ");
            sb.append(n.alerts().get(i).name())
                    .append(" #")
                    .append(n.alerts().get(i).id());
        }
        if (n.alerts().size() > 3)
            sb.append(" and ").append(n.alerts().size() - 3).append(" more");
        return sb.toString();
    }

    /**
     * Sends on the lane's own thread: each channel bounds its time itself (HTTP connect and response timeouts, SMTP
     * timeouts). A hand-off to another thread per message cost more than the send on a busy machine.
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

    /** Writes back what the far side accepted: such rows must never be sent again, so the write is retried until the store takes it. */
    static void durably(String what, Runnable write) {
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
}
