package io.opsrouter.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.Condition;
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
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition flushed = lock.newCondition();
    private long committed;
    private long durable;
    private boolean flushing;

    SharedFlush(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Counts a commit that has just returned; the number to {@link #await} for it. */
    long committed() {
        lock.lock();
        try {
            return ++committed;
        } finally {
            lock.unlock();
        }
    }

    /** Returns once commit {@code ticket} is in the file; throws when the checkpoint that would write it fails. */
    void await(long ticket) {
        lock.lock();
        try {
            while (durable < ticket) {
                if (flushing) {
                    flushed.awaitUninterruptibly();
                    continue;
                }
                flushing = true;
                long upTo = committed;
                boolean ok = false;
                lock.unlock();
                try {
                    checkpoint();
                    ok = true;
                } finally {
                    lock.lock();
                    flushing = false;
                    if (ok) durable = Math.max(durable, upTo);
                    flushed.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkpoint() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw new StoreException("state store: the commit could not be written to the file: " + e.getMessage(), e);
        }
    }
}
