package io.opsrouter.notify;

import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Handover;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.OutboxRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The delivery side of {@link Handover}: a message a transaction writes for a channel that can send it at once is
 * held by that channel from the moment it is written (its place in its lane kept) and started when the transaction
 * is durable, without a claim. What the channel cannot take at once is written pending and claimed as before.
 */
final class DirectHandover implements Handover {
    private final Map<ChannelName, ChannelState> states;
    private final MessageSender sender;
    private final Clock clock;
    private final Duration lease;
    private final String claimer;
    private final BooleanSupplier running;
    private final DeliveryMeters meters;

    DirectHandover(
            Map<ChannelName, ChannelState> states,
            MessageSender sender,
            DeliveryMeters meters,
            Clock clock,
            Duration lease,
            String claimer,
            BooleanSupplier running) {
        this.states = states;
        this.claimer = claimer;
        this.sender = sender;
        this.meters = meters;
        this.clock = clock;
        this.lease = lease;
        this.running = running;
    }

    @Override
    public Duration lease() {
        return lease;
    }

    @Override
    public String claimer() {
        return claimer;
    }

    @Override
    public Batch begin() {
        return new WrittenBatch();
    }

    /**
     * Lets go of written rows whose transaction has not become durable within a lease (its commit failed to reach the
     * file), and gives them back with the messages behind them in their lanes: their lanes go on, in order.
     */
    void letGoStale() {
        Instant now = clock.instant();
        Instant before = now.minus(lease);
        for (ChannelState st : states.values()) {
            for (ChannelState.Held h : st.writtenBefore(before))
                sender.giveBack(st, st.letGoWritten(h), now, "its transaction did not become durable within the lease");
        }
    }

    /** A row written claimed, and the channel holding it. */
    private record Taken(ChannelState channel, ChannelState.Held held) {}

    private final class WrittenBatch implements Batch {
        private final Map<ChannelState, Integer> reserved = new HashMap<>();
        private final Set<ChannelState> writingPending = new LinkedHashSet<>();
        private final List<Taken> taken = new ArrayList<>();

        @Override
        public boolean take(Notification n) {
            ChannelState st = states.get(n.channel());
            if (st == null) return false;
            if (running.getAsBoolean() && st.reserve(ChannelState.laneKey(n), clock.instant(), System.nanoTime())) {
                reserved.merge(st, 1, Integer::sum);
                return true;
            }
            st.pending.writing(writingPending.add(st));
            return false;
        }

        @Override
        public void notWritten(Notification n) {
            ChannelState st = states.get(n.channel());
            reserved.merge(st, -1, Integer::sum);
            st.unreserve();
        }

        @Override
        public void written(List<OutboxRow> rows, List<Notification> ns) {
            for (int i = 0; i < rows.size(); i++) {
                Notification n = ns.get(i);
                ChannelState st = states.get(n.channel());
                ChannelState.Held h = new ChannelState.Held(rows.get(i), n, ChannelState.laneKey(n));
                reserved.merge(st, -1, Integer::sum);
                st.holdWritten(h);
                taken.add(new Taken(st, h));
            }
        }

        @Override
        public void ended(boolean committed) {
            // room kept for messages that were never written (the transaction failed on its way)
            reserved.forEach((st, n) -> {
                for (int i = 0; i < n; i++) st.unreserve();
            });
            reserved.clear();
            writingPending.forEach(st -> st.pending.written());
            if (committed) return;
            for (Taken t : taken) t.channel().dropWritten(t.held()).ifPresent(n -> sender.start(t.channel(), n));
        }

        @Override
        public void durable() {
            for (Taken t : taken) {
                ChannelState st = t.channel();
                ChannelState.Held h = t.held();
                ChannelState.Durable next = st.durable(h);
                if (next != ChannelState.Durable.GONE) meters.handedOver(st.name(), 1);
                switch (next) {
                    case SEND -> sender.start(st, h);
                    case TAKE -> sender.take(st, List.of(h.row()));
                    case WAIT, GONE -> {}
                }
            }
        }
    }
}
