package io.opsrouter.notify;

import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Handover;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Outbox;
import io.opsrouter.outbox.OutboxQueue;
import io.opsrouter.outbox.OutboxRow;
import io.opsrouter.store.KilledAfterCommitMain;
import io.opsrouter.store.StateStore;
import io.opsrouter.testing.HomeStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Child JVM for {@link DeliveryDurabilityTest}: enqueues notifications on the embedded store and claims them, then
 * (mode {@code durable-claim}) prints how many it claimed durably, or (mode {@code marks}) claims them without
 * durability, marks them sent through a {@link MarkWriter} and waits until the writer counts them durable, or (mode
 * {@code handover}) writes them taken by a {@link Handover} and prints how many it was told are durable; then dies
 * at once like a killed process (no shutdown hooks, no close).
 */
public final class KilledWhileDeliveringMain {
    public static void main(String[] args) throws InterruptedException {
        Path home = Path.of(args[0]);
        String mode = args[1];
        int n = Integer.parseInt(args[2]);
        StateStore store = HomeStore.open(home);
        Instant now = Instant.now();
        List<Notification> notes = new ArrayList<>();
        for (int i = 0; i < n; i++) notes.add(KilledAfterCommitMain.notification("delivered-" + i));
        if (mode.equals("handover")) {
            System.out.println("taken=" + handOver(store, notes, now));
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
        store.inTransaction(c -> Outbox.enqueueAll(c, notes, now));
        OutboxQueue queue = new OutboxQueue(store);
        Instant due = now.plusSeconds(1); // claimed a moment after they were written, as a dispatcher claims them
        boolean durableClaim = mode.equals("durable-claim");
        List<OutboxRow> rows = queue.claim(ChannelName.LOG, null, n, due, Duration.ofMinutes(5), false, durableClaim);
        System.out.println("claimed=" + rows.size());
        if (!durableClaim) System.out.println("durable=" + markSent(queue, rows, now));
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /**
     * Writes the notifications through a handover that takes them all, as an idle channel does; returns how many it
     * was told are durable (when they would start).
     */
    private static int handOver(StateStore store, List<Notification> notes, Instant now) {
        AtomicInteger durable = new AtomicInteger();
        Handover all = new Handover() {
            @Override
            public Duration lease() {
                return Duration.ofMinutes(5);
            }

            @Override
            public String claimer() {
                return "killed-child";
            }

            @Override
            public Batch begin() {
                return new Batch() {
                    private int written;

                    @Override
                    public boolean take(Notification n) {
                        return true;
                    }

                    @Override
                    public void notWritten(Notification n) {}

                    @Override
                    public void written(List<OutboxRow> rows, List<Notification> ns) {
                        written += rows.size();
                    }

                    @Override
                    public void ended(boolean committed) {}

                    @Override
                    public void durable() {
                        durable.addAndGet(written);
                    }
                };
            }
        };
        store.inTransaction(c -> Outbox.enqueueAll(c, notes, now, all));
        return durable.get();
    }

    /** Marks the rows sent and returns how many marks the writer counts durable once all are (or after 30 s). */
    private static long markSent(OutboxQueue queue, List<OutboxRow> rows, Instant now) throws InterruptedException {
        MarkWriter marks = new MarkWriter(queue);
        CountDownLatch committed = new CountDownLatch(rows.size());
        for (OutboxRow r : rows) {
            marks.submit(
                    new OutboxQueue.Mark(r.id(), r.claimToken(), OutboxQueue.Outcome.SENT, 1, now, null),
                    applied -> committed.countDown());
        }
        if (!committed.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("marks not committed");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (marks.durableMarks() < rows.size() && System.nanoTime() < deadline)
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        return marks.durableMarks();
    }
}
