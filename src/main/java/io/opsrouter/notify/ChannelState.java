package io.opsrouter.notify;

import io.opsrouter.outbox.ChannelName;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Endpoint;

/**
 * What delivery keeps for one channel: the channel, its health, until when it waits (backoff or Retry-After), the
 * queue that wakes its route and the threads that run its lanes.
 */
final class ChannelState {
    final Channel channel;
    final ChannelHealth health;
    private volatile Instant pausedUntil = Instant.EPOCH;
    volatile Endpoint queue;
    /** Runs the lanes of a batch while the channel's own thread claims the next one. */
    volatile ExecutorService lanes;

    ChannelState(Channel channel, ChannelHealth health) {
        this.channel = channel;
        this.health = health;
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

    /** Waits at least until {@code t}: of several lanes failing at once, the longest wait holds. */
    synchronized void pauseUntil(Instant t) {
        if (t.isAfter(pausedUntil)) pausedUntil = t;
    }

    void startLanes(int n) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "notify-" + name().id() + "-lane-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        lanes = pool;
    }

    void stopLanes() {
        ExecutorService pool = lanes;
        if (pool != null) pool.shutdown();
    }
}
