package io.opsrouter.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Group commit for writers that call at the same time: each caller's items are written in one transaction with
 * those of the callers waiting beside it, and {@link #submit} returns only once its own items are committed (or
 * throws what writing them threw). No thread of its own: the first caller in line writes for everyone queued
 * behind it (up to {@code maxItems}), goes on with those queued meanwhile for a few milliseconds, then hands the
 * writing to the next in line. A
 * caller alone writes at once. When a group fails, each caller's items are written again on their own, so a
 * caller whose items cannot be written fails alone. A write returns a step that each caller of the group runs
 * after the writer's turn, before it returns (waiting for the commit to be durable): the next group is written
 * meanwhile.
 */
public final class GroupCommit<T> {
    private final Function<List<T>, Runnable> write;
    private final int maxItems;
    private static final long LEAD_NANOS = 5_000_000;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Request<T>> queue = new ArrayDeque<>();
    private boolean writing;

    /**
     * {@code write} runs one transaction over the items, in the order given, and throws to roll back; it returns
     * what each of its callers then waits for before returning.
     */
    public GroupCommit(Function<List<T>, Runnable> write, int maxItems) {
        if (maxItems < 1) throw new IllegalArgumentException("maxItems must be at least 1");
        this.write = write;
        this.maxItems = maxItems;
    }

    private static final class Request<T> {
        final List<T> items;
        final Thread caller = Thread.currentThread();
        // set by the writer, read by the caller without the lock: a caller woken to find its group written
        // leaves at once instead of queueing for the lock behind every other caller of that group
        volatile boolean done;
        volatile boolean lead;
        Runnable settle;
        RuntimeException failure;

        Request(List<T> items) {
            this.items = items;
        }

        /** Parks until written or handed the writing; an interrupt is kept for the caller, not lost. */
        void awaitTurn() {
            boolean interrupted = false;
            while (!done && !lead) {
                LockSupport.park(this);
                if (Thread.interrupted()) interrupted = true;
            }
            if (interrupted) caller.interrupt();
        }
    }

    public void submit(List<T> items) {
        if (items.isEmpty()) return;
        Request<T> me = new Request<>(items);
        lock.lock();
        try {
            if (!writing) {
                writing = true;
                me.lead = true;
            } else {
                queue.add(me);
            }
        } finally {
            lock.unlock();
        }
        me.awaitTurn();
        if (me.done) {
            finish(me);
            return;
        }
        // the writer goes on with the groups queued meanwhile for a short while: handing over to a parked thread
        // costs a wake-up on the writing path, which on a busy machine is longer than writing a group
        long until = System.nanoTime() + LEAD_NANOS;
        Request<T> first = me;
        boolean more = true;
        while (more) {
            List<Request<T>> group = take(first);
            first = null;
            boolean ok = false;
            try {
                writeGroup(group);
                ok = true;
            } finally {
                for (Request<T> r : group) {
                    if (r.settle == null && r.failure == null)
                        r.failure = new StoreException("not written: the writer stopped", null);
                    r.done = true;
                    if (r != me) LockSupport.unpark(r.caller);
                }
                Request<T> next = null;
                lock.lock();
                try {
                    more = ok && !queue.isEmpty() && System.nanoTime() < until;
                    if (!more) {
                        next = queue.pollFirst();
                        if (next == null) writing = false;
                        else next.lead = true;
                    }
                } finally {
                    lock.unlock();
                }
                if (next != null) LockSupport.unpark(next.caller);
            }
        }
        finish(me);
    }

    /** Callers waiting for their turn, for tests. */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** The next group: {@code first} (a new writer's own request, or null), then those queued, up to maxItems. */
    private List<Request<T>> take(Request<T> first) {
        List<Request<T>> group = new ArrayList<>();
        int n = 0;
        if (first != null) {
            group.add(first);
            n = first.items.size();
        }
        lock.lock();
        try {
            while (!queue.isEmpty()
                    && (group.isEmpty() || n + queue.peekFirst().items.size() <= maxItems)) {
                Request<T> r = queue.pollFirst();
                group.add(r);
                n += r.items.size();
            }
        } finally {
            lock.unlock();
        }
        return group;
    }

    private void writeGroup(List<Request<T>> group) {
        if (group.size() > 1) {
            List<T> all = new ArrayList<>();
            for (Request<T> r : group) all.addAll(r.items);
            try {
                Runnable settle = write.apply(all);
                for (Request<T> r : group) r.settle = settle;
                return;
            } catch (RuntimeException e) {
                // written again one caller at a time below, so that only the caller whose items fail hears of it
            }
        }
        for (Request<T> r : group) {
            try {
                r.settle = write.apply(r.items);
            } catch (RuntimeException e) {
                r.failure = e;
            }
        }
    }

    private static <T> void finish(Request<T> r) {
        if (r.failure != null) throw r.failure;
        r.settle.run();
    }
}
