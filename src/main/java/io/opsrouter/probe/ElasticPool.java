package io.opsrouter.probe;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The probes' worker pool: a thread starts only when every thread is busy (up to {@code max}), runs beyond that
 * wait in a bounded queue, and a thread idle for {@code keepAlive} ends. A fixed pool of 16 kept 16 idle threads for
 * a handful of monitors: Java's pool starts a new thread for every task until it has its core size, idle ones or not.
 */
final class ElasticPool extends ThreadPoolExecutor {
    /** Tasks handed to the pool and not finished yet (queued or running). */
    private final AtomicInteger submitted = new AtomicInteger();

    private ElasticPool(int max, Duration keepAlive, Queue queue, ThreadFactory threads) {
        super(0, max, keepAlive.toMillis(), TimeUnit.MILLISECONDS, queue, threads, (task, pool) -> {
            if (pool.isShutdown() || !queue.force(task)) {
                throw new RejectedExecutionException("probe pool is full");
            }
        });
    }

    static ElasticPool create(int max, int queueCapacity, Duration keepAlive, ThreadFactory threads) {
        Queue queue = new Queue(queueCapacity);
        ElasticPool pool = new ElasticPool(max, keepAlive, queue, threads);
        queue.pool = pool;
        return pool;
    }

    @Override
    public void execute(Runnable task) {
        submitted.incrementAndGet();
        try {
            super.execute(task);
        } catch (RuntimeException e) {
            submitted.decrementAndGet();
            throw e;
        }
    }

    @Override
    protected void afterExecute(Runnable task, Throwable failure) {
        submitted.decrementAndGet();
    }

    /** Queues a task only when a thread is free to take it, or when no more threads may start. */
    private static final class Queue extends ArrayBlockingQueue<Runnable> {
        private transient ElasticPool pool;

        Queue(int capacity) {
            super(capacity);
        }

        @Override
        public boolean offer(Runnable task) {
            int threads = pool.getPoolSize();
            // an idle thread takes it; or no thread may start: it waits its turn
            if (pool.submitted.get() <= threads || threads >= pool.getMaximumPoolSize()) return super.offer(task);
            return false; // the pool starts a thread for it
        }

        boolean force(Runnable task) {
            return super.offer(task);
        }
    }
}
