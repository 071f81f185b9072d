package io.opsrouter.notify;

import com.fasterxml.jackson.databind.ObjectReader;
import io.opsrouter.app.Json;
import io.opsrouter.notify.channel.HttpPost;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.OutboxQueue.Mark;
import io.opsrouter.outbox.OutboxQueue.Outcome;
import io.opsrouter.outbox.OutboxRow;
import io.opsrouter.watchdog.Progress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends claimed rows without waiting for them: renders each message, asks the channel's breaker, starts the send,
 * and when the receiver answers records the outcome at once (through the {@link MarkWriter}), starts the next message
 * of the same lane and wakes the channel to claim more. The {@link RetryPolicy} decides what a failure makes of the
 * row and whether the channel must wait, in which case the rows waiting on the channel are given back.
 */
final class MessageSender {
    private static final Logger LOG = LoggerFactory.getLogger(MessageSender.class);
    /** A reader bound to the payload's type once, not looked up per row. */
    private static final ObjectReader PAYLOAD = Json.MAPPER.readerFor(Notification.class);

    private final MessageTemplates templates;
    private final RetryPolicy retry;
    private final DeliveryMeters meters;
    private final MarkWriter marks;
    private final Clock clock;
    private final Duration breakerOpenFor;
    private final Executor sideWork;
    private final Consumer<ChannelState> wake;
    private final BooleanSupplier running;

    MessageSender(
            MessageTemplates templates,
            RetryPolicy retry,
            DeliveryMeters meters,
            MarkWriter marks,
            Clock clock,
            DispatchSettings settings,
            Executor sideWork,
            Consumer<ChannelState> wake,
            BooleanSupplier running) {
        this.templates = templates;
        this.retry = retry;
        this.meters = meters;
        this.marks = marks;
        this.clock = clock;
        this.breakerOpenFor = settings.breakerOpenFor();
        this.sideWork = sideWork;
        this.wake = wake;
        this.running = running;
    }

    /** Takes freshly claimed rows, in claim order: each is sent now, or waits behind its lane's message in flight. */
    void take(ChannelState st, List<OutboxRow> rows) {
        for (OutboxRow row : rows) {
            Notification n;
            try {
                n = PAYLOAD.readValue(row.payload());
            } catch (Exception e) {
                unreadable(st, row, e);
                continue;
            }
            ChannelState.Held h = new ChannelState.Held(row, n, ChannelState.laneKey(n));
            Instant behind = st.behindStopped(h, clock.instant());
            if (behind != null) giveBack(st, List.of(h), behind, null);
            else if (st.hold(h)) start(st, h);
        }
    }

    /** Starts one send; its outcome is recorded when the receiver answers. */
    void start(ChannelState st, ChannelState.Held h) {
        Instant now = clock.instant();
        if (!running.getAsBoolean() || st.waiting(now)) {
            stopLane(st, h, st.waiting(now) ? st.pausedUntil() : now, null);
            return;
        }
        RenderedMessage m;
        try {
            m = templates.render(h.notification(), late(h.row().createdAt(), now));
        } catch (RuntimeException e) {
            unreadable(st, h.row(), e);
            next(st, h);
            return;
        }
        if (!st.health.tryAcquire()) {
            st.pauseUntil(now.plus(breakerOpenFor));
            stopLane(st, h, st.pausedUntil(), null);
            giveBack(st, st.unblock(null), st.pausedUntil(), null);
            return;
        }
        Progress.Cycle cycle = st.progress.begin();
        long t0 = System.nanoTime();
        CompletionStage<Void> sending;
        try {
            sending = h.row().reclaimed() && st.channel instanceof LooksUpSends provider
                    ? sendUnlessTaken(st, h, m, provider)
                    : st.channel.sendAsync(m, st.blocking);
        } catch (RuntimeException e) {
            sending = CompletableFuture.failedFuture(e);
        }
        sending.whenComplete((ok, failure) -> {
            cycle.close();
            try {
                if (failure == null) delivered(st, h, System.nanoTime() - t0);
                else failed(st, h, failure, System.nanoTime() - t0);
            } catch (RuntimeException e) {
                LOG.error(
                        "{}: recording the outcome of {} failed",
                        st.name(),
                        h.row().idempotencyKey(),
                        e);
            } finally {
                wake.accept(st);
            }
        });
    }

    /**
     * A message whose claimer died may have reached the provider already: when the provider lists it, it is marked
     * delivered without a second send; when it does not, or cannot tell, it is sent.
     */
    private CompletionStage<Void> sendUnlessTaken(
            ChannelState st, ChannelState.Held h, RenderedMessage m, LooksUpSends provider) {
        return provider.alreadySent(m, h.row().createdAt())
                .exceptionally(e -> false)
                .thenCompose(taken -> {
                    if (!taken) return st.channel.sendAsync(m, st.blocking);
                    LOG.info(
                            "{} notification {} was taken by the provider before a restart: not sent again",
                            st.name(),
                            h.row().idempotencyKey());
                    return CompletableFuture.completedFuture(null);
                });
    }

    private void delivered(ChannelState st, ChannelState.Held h, long nanos) {
        OutboxRow row = h.row();
        Notification n = h.notification();
        Instant now = clock.instant();
        st.health.succeeded(nanos);
        st.delivered();
        int attempt = row.attempts() + 1;
        st.marking();
        marks.submit(new Mark(row.id(), row.claimToken(), Outcome.SENT, attempt, now, null), applied -> {
            st.marked();
            st.forget(row.id());
            wake.accept(st);
            if (!applied)
                LOG.warn(
                        "{} delivered {} after its claim was lost (its lease ran out): another claimer may send it"
                                + " again",
                        st.name(),
                        row.idempotencyKey());
        });
        meters.sent(st.name(), n, now);
        if (st.health.isFailing()) sideWork.execute(st.health::delivered);
        // one line per delivered message (issue 20); built only when INFO is on
        if (LOG.isInfoEnabled()) {
            Duration late = Duration.between(row.createdAt(), now);
            LOG.info(
                    "{} delivered {} {} to {} (attempt {}, {}{})",
                    st.name(),
                    n.kind().label(),
                    alertNames(n),
                    n.recipient() == null || n.recipient().name() == null
                            ? st.name()
                            : n.recipient().name(),
                    attempt,
                    row.idempotencyKey(),
                    late.compareTo(Duration.ofMinutes(1)) >= 0 ? ", " + late.toSeconds() + " s late" : "");
        }
        next(st, h);
    }

    private void failed(ChannelState st, ChannelState.Held h, Throwable failure, long nanos) {
        OutboxRow row = h.row();
        Throwable t = HttpPost.unwrap(failure);
        ChannelException e =
                t instanceof ChannelException c ? c : ChannelException.retryable("error", String.valueOf(t), t);
        Instant now = clock.instant();
        boolean channels =
                e.isRetryable() ? e.retryAfter() == null : RetryPolicy.CHANNEL_LEVEL_REASONS.contains(e.reason());
        int inARow = channels ? st.failedInARow() : st.failuresInARow();
        if (e.retryAfter() != null) st.health.released();
        else st.health.failed(e, nanos);
        meters.failed(st.name(), e.reason());
        RetryPolicy.Decision d = retry.afterFailure(
                row.attempts(), e, inARow, now, ThreadLocalRandom.current().nextDouble());
        if (e.retryAfter() != null) {
            st.bucket.emptyUntil(System.nanoTime() + e.retryAfter().toNanos());
            meters.rateLimitWait(st.name(), e.retryAfter());
        }
        if (d.channelFailing()) sideWork.execute(() -> st.health.failing(e.getMessage()));
        String error = e.reason() + ": " + e.getMessage();
        if (d.dead()) {
            LOG.warn(
                    "{} notification {} {}: {}",
                    st.name(),
                    row.idempotencyKey(),
                    e.isRetryable() ? "dead after " + d.attempts() + " attempts" : "refused, not retried",
                    e.getMessage());
            mark(st, row, Outcome.DEAD, d.attempts(), d.at(), error);
            next(st, h);
            return;
        }
        Outcome outcome = d.attempts() > row.attempts() ? Outcome.RETRY : Outcome.RELEASE;
        LOG.info(
                "{} notification {} failed ({}), next try in {} ms: {}",
                st.name(),
                row.idempotencyKey(),
                outcome == Outcome.RETRY ? "attempt " + d.attempts() : "the channel's failure, no attempt spent",
                Duration.between(now, d.at()).toMillis(),
                e.getMessage());
        if (!d.goOn()) st.pauseUntil(d.channelWaitsUntil());
        stopLane(st, h, d.at(), new Mark(row.id(), row.claimToken(), outcome, d.attempts(), d.at(), error));
        if (!d.goOn()) giveBack(st, st.unblock(null), st.pausedUntil(), null);
    }

    /** The message is done with: the next of its lane goes now. */
    private void next(ChannelState st, ChannelState.Held h) {
        Optional<ChannelState.Held> next = st.ended(h);
        next.ifPresent(n -> start(st, n));
    }

    /**
     * The message waits (due again at {@code at}): it is given back (or {@code own} is written for it) and the
     * messages waiting behind it in its lane with it, due no sooner, so none overtakes it.
     */
    private void stopLane(ChannelState st, ChannelState.Held h, Instant at, Mark own) {
        List<ChannelState.Held> behind = st.endedHoldingItsLane(h);
        st.stopped(h, at, clock.instant());
        if (own != null) mark(st, h.row(), own);
        else giveBack(st, List.of(h), at, null);
        giveBack(st, behind, at, null);
    }

    /** Gives rows back unsent, due at {@code at}, their attempts untouched. */
    void giveBack(ChannelState st, List<ChannelState.Held> rows, Instant at, String error) {
        for (ChannelState.Held h : rows)
            mark(st, h.row(), Outcome.RELEASE, h.row().attempts(), at, error);
    }

    /** A row that cannot be read or rendered is dead at once: no retry can change it. */
    private void unreadable(ChannelState st, OutboxRow row, Exception e) {
        LOG.error(
                "outbox row {} ({}) cannot be read or rendered, marking it dead: {}",
                row.id(),
                row.idempotencyKey(),
                e.getMessage());
        meters.failed(st.name(), "unreadable");
        marks.submit(
                new Mark(
                        row.id(),
                        row.claimToken(),
                        Outcome.DEAD,
                        row.attempts(),
                        clock.instant(),
                        "unreadable: " + e.getMessage()),
                applied -> st.forget(row.id()));
    }

    private void mark(ChannelState st, OutboxRow row, Outcome outcome, int attempts, Instant at, String error) {
        mark(st, row, new Mark(row.id(), row.claimToken(), outcome, attempts, at, error));
    }

    private void mark(ChannelState st, OutboxRow row, Mark m) {
        if (m.outcome() == Outcome.SENT || m.outcome() == Outcome.DEAD) {
            marks.submit(m, applied -> st.forget(row.id()));
            return;
        }
        // pending again: until its mark is in and a claim came back short, no later message of the channel is taken
        // straight from its transaction, which could overtake it in its lane or in severity
        st.pending.writing(true);
        marks.submit(m, applied -> {
            st.forget(row.id());
            st.pending.written();
        });
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

    /** How late a message goes out, for its text: a minute or more after it was written (a channel outage), else null. */
    static Duration late(Instant createdAt, Instant now) {
        Duration late = Duration.between(createdAt, now);
        return late.compareTo(Duration.ofMinutes(1)) >= 0 ? late : null;
    }
}
