package io.opsrouter.notify;

import io.opsrouter.outbox.OutboxQueue;
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
 * one, so a busy channel costs a transaction per few hundred messages, and a crash repeats at most the sends in
 * flight and the marks not yet committed. A mark that the store does not take (the store is away) is written again
 * until it does: an accepted message must never be sent again. Each mark's callback runs once it is committed,
 * told whether the row still held its claim.
 */
final class MarkWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MarkWriter.class);
    private static final int MAX_GROUP = 1000;

    private record Pending(OutboxQueue.Mark mark, Consumer<Boolean> done) {}

    private final OutboxQueue queue;
    private final LinkedBlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    MarkWriter(OutboxQueue queue) {
        this.queue = queue;
        this.thread = new Thread(this::run, "notify-marks");
        thread.setDaemon(true);
        thread.start();
    }

    void submit(OutboxQueue.Mark mark, Consumer<Boolean> done) {
        pending.add(new Pending(mark, done));
    }

    /** Marks waiting to be written, for tests and stop. */
    int backlog() {
        return pending.size();
    }

    private void run() {
        List<Pending> group = new ArrayList<>();
        while (running || !pending.isEmpty()) {
            try {
                Pending first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                group.add(first);
            } catch (InterruptedException e) {
                if (!running) break;
                continue;
            }
            pending.drainTo(group, MAX_GROUP - 1);
            boolean[] applied = write(group);
            for (int i = 0; i < group.size(); i++) {
                try {
                    group.get(i).done().accept(applied != null && applied[i]);
                } catch (RuntimeException e) {
                    LOG.warn("after writing a delivery mark: {}", e.toString());
                }
            }
            group.clear();
        }
    }

    /** Null when given up (stopping with the store away): those rows are due again when their lease ends. */
    private boolean[] write(List<Pending> group) {
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
