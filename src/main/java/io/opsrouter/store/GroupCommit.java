package io.opsrouter.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>With {@code lanes} above one, that many groups are written at once, each in its own transaction, so the
 * writing is not one thread's share of a busy machine. Items name keys: items with a key in common are never
 * written in two lanes at once, and are written in the order their callers arrived (a caller waits while an
 * earlier caller with one of its keys is queued or being written in another lane).
 */
public final class GroupCommit<T> {
    private final Function<List<T>, Runnable> write;
    private final int maxItems;
    private static final long LEAD_NANOS = 5_000_000;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Request<T>> queue = new ArrayDeque<>();
    private final int lanes;
    private final Function<T, Collection<?>> keys;
    /** The keys of the groups being written, each to the lane (its first writer's request) writing it. */
    private final Map<Object, Object> owners = new HashMap<>();

    private int writers;

    /**
     * {@code write} runs one transaction over the items, in the order given, and throws to roll back; it returns
     * what each of its callers then waits for before returning.
     */
    public GroupCommit(Function<List<T>, Runnable> write, int maxItems) {
        this(write, maxItems, 1, t -> List.of());
    }

    /** Up to {@code lanes} groups written at once; items with a key in common ({@code keys}) never at once. */
    public GroupCommit(Function<List<T>, Runnable> write, int maxItems, int lanes, Function<T, Collection<?>> keys) {
        if (maxItems < 1) throw new IllegalArgumentException("maxItems must be at least 1");
        if (lanes < 1) throw new IllegalArgumentException("lanes must be at least 1");
        this.write = write;
        this.maxItems = maxItems;
        this.lanes = lanes;
        this.keys = keys;
    }

    private static final class Request<T> {
        final List<T> items;
        final Set<Object> keys;
        final Thread caller = Thread.currentThread();
        // set by the writer, read by the caller without the lock: a caller woken to find its group written
        // leaves at once instead of queueing for the lock behind every other caller of that group
        volatile boolean done;
        volatile boolean lead;
        Runnable settle;
        RuntimeException failure;

        Request(List<T> items, Set<Object> keys) {
            this.items = items;
            this.keys = keys;
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
        Set<Object> mine = new HashSet<>();
        if (lanes > 1) for (T item : items) mine.addAll(keys.apply(item));
        Request<T> me = new Request<>(items, mine);
        lock.lock();
        try {
            // a caller writes at once only when nobody queued before it: callers queued are earlier, or wait for
            // a lane writing one of their keys
            if (writers < lanes && queue.isEmpty() && free(me, me)) {
                writers++;
                me.lead = true;
                own(me, me);
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
        // the lane: the request of its first writer, which names the keys it holds
        Object lane = me;
        boolean more = true;
        while (more) {
            List<Request<T>> group = take(first, lane);
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
                    if (lanes > 1) owners.values().removeIf(o -> o == lane);
                    // a lane that found nothing it may write (every caller queued waits for another lane) stops
                    more = ok && !group.isEmpty() && !queue.isEmpty() && System.nanoTime() < until;
                    if (!more) {
                        next = pollEligible();
                        if (next == null) writers--;
                        else {
                            next.lead = true;
                            own(next, next);
                        }
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

    /**
     * The next group: {@code first} (a new writer's own request, or null), then those queued, up to maxItems,
     * in arrival order; a caller with a key that another lane writes stays queued, and so does every later caller
     * sharing a key with it.
     */
    private List<Request<T>> take(Request<T> first, Object lane) {
        List<Request<T>> group = new ArrayList<>();
        int n = 0;
        if (first != null) {
            group.add(first);
            n = first.items.size();
        }
        lock.lock();
        try {
            Set<Object> passed = lanes > 1 ? new HashSet<>() : Set.of();
            for (Iterator<Request<T>> it = queue.iterator(); it.hasNext(); ) {
                Request<T> r = it.next();
                if (!group.isEmpty() && n + r.items.size() > maxItems) break;
                if (lanes > 1 && (!free(r, lane) || !java.util.Collections.disjoint(passed, r.keys))) {
                    passed.addAll(r.keys);
                    continue;
                }
                it.remove();
                own(r, lane);
                group.add(r);
                n += r.items.size();
            }
        } finally {
            lock.unlock();
        }
        return group;
    }

    /** Whether no lane but {@code lane} writes one of the request's keys (under the lock). */
    private boolean free(Request<T> r, Object lane) {
        for (Object k : r.keys) {
            Object o = owners.get(k);
            if (o != null && o != lane) return false;
        }
        return true;
    }

    private void own(Request<T> r, Object lane) {
        for (Object k : r.keys) owners.put(k, lane);
    }

    /** The first queued caller that may start a lane: no key written by a lane, none shared with one before it. */
    private Request<T> pollEligible() {
        if (lanes == 1) return queue.pollFirst();
        Set<Object> passed = new HashSet<>();
        for (Iterator<Request<T>> it = queue.iterator(); it.hasNext(); ) {
            Request<T> r = it.next();
            if (free(r, r) && java.util.Collections.disjoint(passed, r.keys)) {
                it.remove();
                return r;
            }
            passed.addAll(r.keys);
        }
        return null;
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
