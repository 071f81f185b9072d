package io.opsrouter.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

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
 *
 * <p>Urgent items ({@code urgent}, a P1 in the alert intake) do not wait behind a queue of others: a caller with one
 * is written next, in a group of urgent callers only, ahead of those queued before it, unless one of those shares a
 * key with it (then arrival order holds for it, as its items must not overtake theirs).
 */
public final class GroupCommit<T> {
    private final Function<List<T>, Runnable> write;
    private final int maxItems;
    private static final long LEAD_NANOS = 5_000_000;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Request<T>> queue = new ArrayDeque<>();
    private final int lanes;
    private final Function<T, Collection<?>> keys;
    private final Predicate<T> urgent;
    /** The keys of the groups being written, each to the lane (its first writer's request) writing it. */
    private final Map<Object, Object> owners = new HashMap<>();

    private int writers;
    /** Urgent callers queued, not yet taken. */
    private int urgentQueued;

    /**
     * {@code write} runs one transaction over the items, in the order given, and throws to roll back; it returns
     * what each of its callers then waits for before returning.
     */
    public GroupCommit(Function<List<T>, Runnable> write, int maxItems) {
        this(write, maxItems, 1, t -> List.of());
    }

    /** Up to {@code lanes} groups written at once; items with a key in common ({@code keys}) never at once. */
    public GroupCommit(Function<List<T>, Runnable> write, int maxItems, int lanes, Function<T, Collection<?>> keys) {
        this(write, maxItems, lanes, keys, t -> false);
    }

    /** As above; callers with an {@code urgent} item are written before those queued ahead of them. */
    public GroupCommit(
            Function<List<T>, Runnable> write,
            int maxItems,
            int lanes,
            Function<T, Collection<?>> keys,
            Predicate<T> urgent) {
        if (maxItems < 1) throw new IllegalArgumentException("maxItems must be at least 1");
        if (lanes < 1) throw new IllegalArgumentException("lanes must be at least 1");
        this.write = write;
        this.maxItems = maxItems;
        this.lanes = lanes;
        this.keys = keys;
        this.urgent = urgent;
    }

    private static final class Request<T> {
        final List<T> items;
        /** Computed when first needed, under the lock: by a lane, or when an urgent caller would overtake it. */
        Set<Object> keys;

        final boolean urgent;
        final Thread caller = Thread.currentThread();
        // set by the writer, read by the caller without the lock: a caller woken to find its group written
        // leaves at once instead of queueing for the lock behind every other caller of that group
        volatile boolean done;
        volatile boolean lead;
        Runnable settle;
        RuntimeException failure;

        Request(List<T> items, boolean urgent) {
            this.items = items;
            this.urgent = urgent;
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
        boolean isUrgent = false;
        for (T item : items) isUrgent |= urgent.test(item);
        Request<T> me = new Request<>(items, isUrgent);
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
                if (isUrgent) urgentQueued++;
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

    /** Callers waiting for their turn. */
    public int queued() {
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
            if (first == null || first.urgent) {
                if (takeUrgent(group, n, lane)) return group;
            }
            Set<Object> passed = lanes > 1 ? new HashSet<>() : Set.of();
            for (Iterator<Request<T>> it = queue.iterator(); it.hasNext(); ) {
                Request<T> r = it.next();
                if (!group.isEmpty() && n + r.items.size() > maxItems) break;
                if (lanes > 1 && (!free(r, lane) || !Collections.disjoint(passed, keysOf(r)))) {
                    passed.addAll(keysOf(r));
                    continue;
                }
                it.remove();
                if (r.urgent) urgentQueued--;
                own(r, lane);
                group.add(r);
                n += r.items.size();
            }
        } finally {
            lock.unlock();
        }
        return group;
    }

    /**
     * Adds to {@code group} (empty, or an urgent caller's own request) the urgent callers that may overtake the
     * others queued before them, up to maxItems; whether the group is urgent (under the lock).
     */
    private boolean takeUrgent(List<Request<T>> group, int n, Object lane) {
        if (urgentQueued == 0) return !group.isEmpty();
        Set<Object> passed = new HashSet<>();
        for (Iterator<Request<T>> it = queue.iterator(); it.hasNext() && urgentQueued > 0; ) {
            Request<T> r = it.next();
            boolean fits = group.isEmpty() || n + r.items.size() <= maxItems;
            if (r.urgent && fits && free(r, lane) && Collections.disjoint(passed, keysOf(r))) {
                it.remove();
                urgentQueued--;
                own(r, lane);
                group.add(r);
                n += r.items.size();
            } else {
                passed.addAll(keysOf(r));
            }
        }
        return !group.isEmpty();
    }

    /** Whether no lane but {@code lane} writes one of the request's keys (under the lock). */
    private boolean free(Request<T> r, Object lane) {
        if (lanes == 1) return true;
        for (Object k : keysOf(r)) {
            Object o = owners.get(k);
            if (o != null && o != lane) return false;
        }
        return true;
    }

    private void own(Request<T> r, Object lane) {
        if (lanes == 1) return;
        for (Object k : keysOf(r)) owners.put(k, lane);
    }

    /** The first queued caller that may start a lane: no key written by a lane, none shared with one before it. */
    private Request<T> pollEligible() {
        Request<T> r = pollEligible(true);
        return r != null ? r : pollEligible(false);
    }

    /** With {@code urgentOnly}, the first urgent caller that may overtake those before it. */
    private Request<T> pollEligible(boolean urgentOnly) {
        if (urgentOnly && urgentQueued == 0) return null;
        if (!urgentOnly && lanes == 1) return dequeued(queue.pollFirst());
        Set<Object> passed = new HashSet<>();
        for (Iterator<Request<T>> it = queue.iterator(); it.hasNext(); ) {
            Request<T> r = it.next();
            if ((r.urgent || !urgentOnly) && free(r, r) && Collections.disjoint(passed, keysOf(r))) {
                it.remove();
                return dequeued(r);
            }
            passed.addAll(keysOf(r));
        }
        return null;
    }

    /** The keys of the request's items, computed once (under the lock). */
    private Set<Object> keysOf(Request<T> r) {
        if (r.keys == null) {
            Set<Object> k = new HashSet<>();
            for (T item : r.items) k.addAll(keys.apply(item));
            r.keys = k;
        }
        return r.keys;
    }

    private Request<T> dequeued(Request<T> r) {
        if (r != null && r.urgent) urgentQueued--;
        return r;
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
