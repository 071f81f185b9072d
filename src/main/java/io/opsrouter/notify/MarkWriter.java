package io.opsrouter.notify;

import io.opsrouter.outbox.OutboxQueue;
import io.opsrouter.store.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what became of each sent message as soon as its receiver answered, the writes grouped like the intake's:
 * one thread takes every mark that arrived while the previous transaction committed and writes them in the next
 * one, so a busy channel costs a transaction per few hundred messages. Each mark's callback runs once it is
 * committed, told whether the row still held its claim. The marks' commits are made durable together, at most
 * {@link #DURABLE_WITHIN} after the first of them: on H2 each durable commit is a checkpoint that rewrites every
 * page changed since the last one, and marks waiting for their own were most of a busy router's checkpoints. So a
 * crash repeats at most the sends in flight and the marks of the last {@link #DURABLE_WITHIN}. A mark that the
 * store does not take (the store is away) is written again until it does: an accepted message must never be sent
 * again.
 */
final class MarkWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MarkWriter.class);
    private static final int MAX_GROUP = 1000;
    static final Duration DURABLE_WITHIN = Duration.ofMillis(100);

    private record Pending(OutboxQueue.Mark mark, Consumer<Boolean> done) {}

    private final OutboxQueue queue;
    private final LinkedBlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long durableMarks;

    MarkWriter(OutboxQueue queue) {
        this.queue = queue;
        this.thread = new Thread(this::run, "notify-marks");
        thread.setDaemon(true);
        thread.start();
    }

    void submit(OutboxQueue.Mark mark, Consumer<Boolean> done) {
        pending.add(new Pending(mark, done));
    }

    /** How many marks are durable so far, for tests. */
    long durableMarks() {
        return durableMarks;
    }

    /** Marks waiting to be written, for tests and stop. */
    int backlog() {
        return pending.size();
    }

    private void run() {
        List<Pending> group = new ArrayList<>();
        StateStore.Commit<boolean[]> undurable = null;
        int undurableMarks = 0;
        long durableBy = 0;
        while (running || !pending.isEmpty()) {
            try {
                long wait = undurable == null ? 100_000_000L : durableBy - System.nanoTime();
                Pending first = wait > 0 ? pending.poll(wait, TimeUnit.NANOSECONDS) : pending.poll();
                if (first != null) group.add(first);
            } catch (InterruptedException e) {
                if (!running) break;
                continue;
            }
            if (!group.isEmpty()) {
                pending.drainTo(group, MAX_GROUP - 1);
                StateStore.Commit<boolean[]> commit = write(group);
                boolean[] applied = commit == null ? null : commit.settleUndurably();
                for (int i = 0; i < group.size(); i++) {
                    try {
                        group.get(i).done().accept(applied != null && applied[i]);
                    } catch (RuntimeException e) {
                        LOG.warn("after writing a delivery mark: {}", e.toString());
                    }
                }
                if (commit != null) {
                    if (undurable == null) durableBy = System.nanoTime() + DURABLE_WITHIN.toNanos();
                    undurable = commit;
                    undurableMarks += group.size();
                }
                group.clear();
            }
            if (undurable != null && (System.nanoTime() - durableBy >= 0 || !running)) {
                if (makeDurable(undurable)) {
                    durableMarks += undurableMarks;
                    undurable = null;
                    undurableMarks = 0;
                } else {
                    durableBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(1); // the store is away: not every 100 ms
                }
            }
        }
        if (undurable != null && makeDurable(undurable)) durableMarks += undurableMarks;
    }

    /**
     * Waits until {@code commit} and every mark before it is durable; false when that failed (the store is away),
     * and the next commit's wait covers them.
     */
    private static boolean makeDurable(StateStore.Commit<boolean[]> commit) {
        try {
            commit.awaitDurable();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("delivery marks are committed but not yet durable: {}", e.getMessage());
            return false;
        }
    }

    /** Null when given up (stopping with the store away): those rows are due again when their lease ends. */
    private StateStore.Commit<boolean[]> write(List<Pending> group) {
        List<OutboxQueue.Mark> marks = group.stream().map(Pending::mark).toList();
        for (int i = 0; ; i++) {
            try {
                return queue.write(marks);
            } catch (RuntimeException e) {
                if (!running && i >= 3) {
                    LOG.error(
                            "cannot write {} delivery marks and stopping: those messages are sent again when their"
                                    + " lease ends: {}",
                            marks.size(),
                            e.getMessage());
                    return null;
                }
                LOG.warn("cannot write {} delivery marks yet: {}", marks.size(), e.getMessage());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(5_000, 100L * (i + 1))));
            }
        }
    }

    /** Writes what is queued, then stops (waiting up to {@code millis}). */
    @Override
    public void close() {
        close(10_000);
    }

    void close(long millis) {
        running = false;
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
