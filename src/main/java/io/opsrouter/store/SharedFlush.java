package io.opsrouter.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * Makes H2 commits reach the file before they are acknowledged, with one write for all commits of the moment.
 * H2 keeps a commit in memory until its background writer stores it (WRITE_DELAY); {@code CHECKPOINT} stores
 * every change made so far in one chunk. A committer waits for a checkpoint that began after its commit; the
 * first in line runs it for everyone who committed before it began, while the next transactions go on.
 * H2's background writer stays on: it also compacts the file, which with WRITE_DELAY=0 nothing did (the file
 * grew to 1.2 GB in a short benchmark and every commit wrote more).
 */
final class SharedFlush {
    private final DataSource dataSource;
    private final AtomicLong committed = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    // written under the lock; read without it by waiters, who leave as soon as their commit is written instead
    // of queueing for the lock one after another behind everyone woken with them
    private volatile long durable;
    private volatile long rounds;
    private boolean flushing;
    private final List<Thread> waiting = new ArrayList<>();

    SharedFlush(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Counts a commit that has just returned; the number to {@link #await} for it. */
    long committed() {
        return committed.incrementAndGet();
    }

    /** Returns once commit {@code ticket} is in the file; throws when the checkpoint that would write it fails. */
    void await(long ticket) {
        boolean interrupted = false;
        while (durable < ticket) {
            long round;
            boolean lead = false;
            lock.lock();
            try {
                if (durable >= ticket) break;
                round = rounds;
                if (flushing) waiting.add(Thread.currentThread());
                else flushing = lead = true;
            } finally {
                lock.unlock();
            }
            if (lead) {
                flush();
            } else {
                while (rounds == round) {
                    LockSupport.park(this);
                    if (Thread.interrupted()) interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** One checkpoint for every commit counted before it began; then wakes whoever waited meanwhile. */
    private void flush() {
        long upTo = committed.get();
        boolean ok = false;
        try {
            checkpoint();
            ok = true;
        } finally {
            List<Thread> wake;
            lock.lock();
            try {
                flushing = false;
                if (ok) durable = Math.max(durable, upTo);
                rounds++;
                wake = new ArrayList<>(waiting);
                waiting.clear();
            } finally {
                lock.unlock();
            }
            for (Thread t : wake) LockSupport.unpark(t);
        }
    }

    private void checkpoint() {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new StoreException("state store: the commit could not be written to the file: " + e.getMessage(), e);
        }
    }
}
