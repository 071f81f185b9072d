package io.opsrouter.notify;

import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.OutboxRow;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.watchdog.Progress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Endpoint;

/**
 * What delivery keeps for one channel: the channel, its health and rate limit, until when it waits (backoff,
 * Retry-After, open circuit), the queue that wakes its route, and the rows it holds: claimed and not yet marked (their
 * lease is renewed), in flight, or waiting for an earlier message of their lane key. At most one message per lane key
 * is in flight, so each group's messages reach each person in order.
 */
final class ChannelState {
    /** A claimed row and the notification it holds. */
    record Held(OutboxRow row, Notification notification, String lane) {}

    final Channel channel;
    final ChannelHealth health;
    final TokenBucket bucket;
    final int window;
    final Progress progress;
    /** Whether rows may be pending in the store: while so, nothing is taken from its transaction. */
    final PendingInStore pending = new PendingInStore();
    /** Runs the blocking sends of channels without a non-blocking client (e-mail, the log file). */
    final ExecutorService blocking;

    private volatile Instant pausedUntil = Instant.EPOCH;
    volatile Endpoint queue;

    // guarded by this
    private final Map<Long, Held> held = new LinkedHashMap<>();
    private final Set<String> busyLanes = new HashSet<>();
    private final ArrayDeque<Held> blocked = new ArrayDeque<>();
    private final Map<String, Stop> stopped = new HashMap<>();
    private int sending;
    /** Sends answered whose mark is not yet committed: a crash now would send them again, so they fill the window. */
    private int marking;

    /** Room kept for rows a writing transaction takes ({@link #reserve}) and has not written yet. */
    private int reserved;
    /** Rows written claimed by a transaction that is not durable yet, by id: held in their lane, not yet sendable. */
    private final Map<Long, Held> written = new HashMap<>();
    /** Of those, the ones whose lane is theirs: each goes the moment its transaction is durable. */
    private final Set<Long> writtenAtTheFront = new HashSet<>();
    /** Of those, the ones taken off a lane that stopped: they are claimed rows like any other once durable. */
    private final Set<Long> writtenOffTheLane = new HashSet<>();

    private int failuresInARow;
    private long rateWaitSince;
    /** When a claim last looked for rows whose lease ran out (monotonic nanoseconds; 0: never). */
    private long expiredScanAt;

    /** How often a claim also looks for claimed rows whose lease ran out (a crashed claimer's). */
    static final long EXPIRED_SCAN_NANOS = TimeUnit.SECONDS.toNanos(1);

    ChannelState(Channel channel, ChannelHealth health, TokenBucket bucket, int window, Progress progress) {
        this.channel = channel;
        this.health = health;
        this.bucket = bucket;
        this.window = window;
        this.progress = progress;
        int threads = Math.min(window, 4);
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "notify-" + name().id() + "-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.blocking = pool;
    }

    ChannelName name() {
        return channel.name();
    }

    Instant pausedUntil() {
        return pausedUntil;
    }

    boolean waiting(Instant now) {
        return pausedUntil.isAfter(now);
    }

    /** Waits at least until {@code t}: of several sends failing at once, the longest wait holds. */
    synchronized void pauseUntil(Instant t) {
        if (t.isAfter(pausedUntil)) pausedUntil = t;
    }

    /**
     * Messages of the same lane key keep their order; others may overtake each other. Same group, and for
     * person-addressed channels the same person: each person reads one group's messages in order. A group has one
     * severity (its key begins with it), so taking the most severe first keeps each group's order.
     */
    static String laneKey(Notification n) {
        Recipient r = n.recipient();
        String who = r == null ? "" : r.phone() != null ? r.phone() : String.valueOf(r.email());
        return n.groupKey() + "\n" + who;
    }

    /**
     * Answered sends waiting for their mark beyond which nothing more is claimed: when the marks fall behind the
     * answers, the channel waits for them instead of running up to its window ahead of the store. A crash sends
     * again what is in flight and what is answered but not marked; with the window alone that was up to the window
     * (1,660 messages repeated after one kill during a burst, bench/delivery --scenario=kills --kill-delay=40).
     */
    static final int MAX_UNMARKED = 256;

    /**
     * Rows more that may be claimed now: the window less what is in flight, waits for its lane or waits for its mark;
     * none while {@link #MAX_UNMARKED} answered sends wait for their mark. The window bounds what a crash can send
     * twice: the sends in flight and those answered but not yet marked.
     */
    synchronized int free() {
        if (marking >= MAX_UNMARKED) return 0;
        return window - sending - blocked.size() - marking - reserved;
    }

    /** A send was answered; its mark is on its way to the store. */
    synchronized void marking() {
        marking++;
    }

    /** Its mark is committed (or given up): the room it held in the window is free. */
    synchronized void marked() {
        marking--;
    }

    /** Sends in flight and answered sends not yet marked: each ends in a wake of the channel. */
    synchronized int busy() {
        return sending + marking;
    }

    /** Takes a claimed row: true when it may be sent now, false when it waits behind its lane key. */
    synchronized boolean hold(Held h) {
        held.put(h.row().id(), h);
        if (busyLanes.add(h.lane())) {
            sending++;
            return true;
        }
        blocked.add(h);
        return false;
    }

    /**
     * A message of the lane was given back, due again at {@code until}: a later message of its lane claimed before
     * then must wait as well, or it would overtake it (it was still pending, not behind it in this channel).
     */
    synchronized void stopped(Held h, Instant until, Instant now) {
        stopped.values().removeIf(s -> !s.until().isAfter(now));
        Stop earlier = stopped.get(h.lane());
        if (earlier == null || earlier.id() >= h.row().id())
            stopped.put(h.lane(), new Stop(h.row().id(), until));
    }

    /**
     * Until when a claimed row must wait behind an earlier message of its lane that was given back, or null when it
     * may go: it is that message itself (the lane goes on with it), an earlier one, or the wait is over.
     */
    synchronized Instant behindStopped(Held h, Instant now) {
        Stop s = stopped.get(h.lane());
        if (s == null || h.row().id() < s.id()) return null;
        if (h.row().id() == s.id() || !s.until().isAfter(now)) {
            stopped.remove(h.lane());
            return null;
        }
        return s.until();
    }

    private record Stop(long id, Instant until) {}

    /** A row no longer held (its mark is written, or it was found lost). */
    synchronized void forget(long id) {
        held.remove(id);
    }

    /**
     * A send ended and its message is done with (sent or dead): the next message of its lane, when one waits, is
     * returned to be sent now; otherwise the lane is free.
     */
    synchronized Optional<Held> ended(Held h) {
        sending--;
        for (Iterator<Held> it = blocked.iterator(); it.hasNext(); ) {
            Held next = it.next();
            if (next.lane().equals(h.lane())) {
                it.remove();
                sending++;
                if (written.containsKey(next.row().id())) {
                    // its transaction is not durable yet: it goes when it is
                    writtenAtTheFront.add(next.row().id());
                    return Optional.empty();
                }
                return Optional.of(next);
            }
        }
        busyLanes.remove(h.lane());
        return Optional.empty();
    }

    /**
     * A send ended and its message must wait (due again later): the messages waiting behind it in its lane must not
     * overtake it, so they are taken off the channel too, to be given back.
     */
    synchronized List<Held> endedHoldingItsLane(Held h) {
        sending--;
        busyLanes.remove(h.lane());
        return unblock(h.lane());
    }

    /** Takes the waiting rows of one lane (all lanes when {@code lane} is null) off the channel, to be given back. */
    synchronized List<Held> unblock(String lane) {
        List<Held> out = new ArrayList<>();
        for (Iterator<Held> it = blocked.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (lane == null || h.lane().equals(lane)) {
                it.remove();
                // a row whose transaction is not durable yet cannot be given back now: it is claimed like any other
                // once it is ({@link #durable})
                if (written.containsKey(h.row().id()))
                    writtenOffTheLane.add(h.row().id());
                else out.add(h);
            }
        }
        // a lane whose waiting rows all left is free only once its send ended; lanes of rows given back here are
        // busy with a send in flight, which frees them when it ends
        return out;
    }

    /**
     * Keeps room for a message a transaction is about to write, when the channel may take it at once: nothing pending,
     * not waiting, circuit closed, room in its window, a token, and no earlier message of its lane given back to
     * wait. The token is spent now.
     */
    synchronized boolean reserve(String lane, Instant now, long nanos) {
        if (pending.maybe() || waiting(now) || !health.closed() || free() <= 0) return false;
        Stop s = stopped.get(lane);
        if (s != null && s.until().isAfter(now)) return false;
        if (bucket.available(nanos) <= 0) return false;
        bucket.take(1, nanos);
        reserved++;
        return true;
    }

    /** A reserved message was not written: its room and token are given back. */
    synchronized void unreserve() {
        reserved--;
        bucket.giveBack(1);
    }

    /** A reserved message was written: it holds its place in its lane from now on, and goes once durable. */
    synchronized void holdWritten(Held h) {
        reserved--;
        long id = h.row().id();
        written.put(id, h);
        if (busyLanes.add(h.lane())) {
            sending++;
            writtenAtTheFront.add(id);
        } else {
            blocked.add(h);
        }
    }

    /** What becomes of a written row once its transaction is durable. */
    enum Durable {
        /** It holds its lane: send it now. */
        SEND,
        /** It waits behind an earlier message of its lane, which starts it when it ends. */
        WAIT,
        /** It was taken off a lane that stopped: take it like a claimed row. */
        TAKE,
        /** It was given up meanwhile ({@link #dropWritten}). */
        GONE
    }

    /** The row's transaction is durable: from now on it is held like a claimed row (its lease renewed). */
    synchronized Durable durable(Held h) {
        long id = h.row().id();
        if (written.remove(id) == null) return Durable.GONE;
        if (writtenOffTheLane.remove(id)) return Durable.TAKE;
        held.put(id, h);
        return writtenAtTheFront.remove(id) ? Durable.SEND : Durable.WAIT;
    }

    /** The row's transaction rolled back: it is forgotten; the next message of its lane when that may go now. */
    synchronized Optional<Held> dropWritten(Held h) {
        long id = h.row().id();
        if (written.remove(id) == null) return Optional.empty();
        if (writtenOffTheLane.remove(id)) return Optional.empty();
        if (writtenAtTheFront.remove(id)) return ended(h);
        blocked.remove(h);
        return Optional.empty();
    }

    /**
     * The row's transaction did not become durable within a lease (its commit could not reach the file): it is let go
     * with the messages waiting behind it in its lane, all to be given back, so that if its row is there the claims
     * send it first, and if not the others go on. Returns them, itself first; none when it was let go already.
     */
    synchronized List<Held> letGoWritten(Held h) {
        long id = h.row().id();
        if (written.remove(id) == null) return List.of();
        if (writtenOffTheLane.remove(id)) return List.of(h);
        if (writtenAtTheFront.remove(id)) {
            sending--;
            busyLanes.remove(h.lane());
        } else {
            blocked.remove(h);
        }
        List<Held> out = new ArrayList<>();
        out.add(h);
        out.addAll(unblock(h.lane()));
        return out;
    }

    /** Written rows whose transaction has not become durable since before {@code t}. */
    synchronized List<Held> writtenBefore(Instant t) {
        return written.values().stream()
                .filter(h -> h.row().createdAt().isBefore(t))
                .toList();
    }

    /** Rows claimed and not yet marked, whose lease is renewed. */
    synchronized List<OutboxRow> heldRows() {
        return held.values().stream().map(Held::row).toList();
    }

    synchronized int inFlight() {
        return sending;
    }

    /** A delivery: the channel's failures in a row end. */
    synchronized void delivered() {
        failuresInARow = 0;
    }

    /** A failure of the channel's (not a 429, not the message's refusal): how many in a row, this one included. */
    synchronized int failedInARow() {
        return ++failuresInARow;
    }

    synchronized int failuresInARow() {
        return failuresInARow;
    }

    /**
     * Whether this claim also looks for rows whose lease ran out: at most once a second (the first claim does), so
     * such a row is due again at most a second after its lease, and the other claims read only pending rows.
     */
    synchronized boolean expiredScanDue(long nanos) {
        if (expiredScanAt != 0 && nanos - expiredScanAt < EXPIRED_SCAN_NANOS) return false;
        expiredScanAt = nanos;
        return true;
    }

    /** The channel had rows to send and no token: from when, in monotonic nanoseconds (0: not waiting). */
    synchronized void rateWaiting(long nanos) {
        if (rateWaitSince == 0) rateWaitSince = nanos;
    }

    /** Ends a wait on the rate limit; how long it lasted in nanoseconds (0 when there was none). */
    synchronized long rateWaitEnded(long nanos) {
        long since = rateWaitSince;
        rateWaitSince = 0;
        return since == 0 ? 0 : Math.max(0, nanos - since);
    }

    void stop() {
        blocking.shutdown();
    }
}
