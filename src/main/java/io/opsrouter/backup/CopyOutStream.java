package io.opsrouter.backup;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyInputStream;

/**
 * The bytes of one {@code COPY ... TO STDOUT}, pulled as the zip writer compresses them. It borrows a snapshot worker
 * connection on first read and hands it back at the end, so each compressing thread streams one part at a time.
 */
final class CopyOutStream extends InputStream {
    private final BlockingQueue<Connection> pool;
    private final String sql;
    private final String what;
    private final Consumer<HashingInputStream> done;
    private final java.util.concurrent.atomic.AtomicBoolean aborted;
    private Connection conn;
    private PGCopyInputStream copy;
    private HashingInputStream hashing;
    private boolean finished;

    CopyOutStream(
            BlockingQueue<Connection> pool,
            String sql,
            String what,
            java.util.concurrent.atomic.AtomicBoolean aborted,
            Consumer<HashingInputStream> done) {
        this.pool = pool;
        this.sql = sql;
        this.what = what;
        this.aborted = aborted;
        this.done = done;
    }

    private void open() throws IOException {
        if (hashing != null) return;
        try {
            while ((conn = pool.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS)) == null) {
                if (aborted.get()) throw new IOException("backup aborted before COPY of " + what);
            }
            copy = new PGCopyInputStream(conn.unwrap(PGConnection.class), sql);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted before COPY of " + what);
        } catch (SQLException e) {
            throw new IOException(new WrappedBackupFailure(Failures.fromSql(e, null, "COPY of " + what + " failed")));
        }
        hashing = new HashingInputStream(copy);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (aborted.get()) throw new IOException("backup aborted");
        open();
        try {
            int n = hashing.read(b, off, len);
            if (n < 0 && !finished) {
                finished = true;
                done.accept(hashing);
                pool.add(conn);
                conn = null;
            }
            return n;
        } catch (IOException e) {
            aborted.set(true);
            Throwable cause = e.getCause() instanceof SQLException s ? s : e;
            if (cause instanceof SQLException s)
                throw new IOException(
                        new WrappedBackupFailure(Failures.fromSql(s, null, "COPY of " + what + " failed")));
            throw new IOException(new WrappedBackupFailure(
                    new BackupException("connection", "COPY of " + what + " failed: " + Failures.rootMessage(e), e)));
        }
    }

    @Override
    public void close() throws IOException {
        if (copy != null && !finished) {
            try {
                copy.close();
            } catch (IOException ignored) {
                // the backup has already failed; the connection is closed with the snapshot
            }
        }
    }

    /** Carries a clear failure through the zip library's IOException and ExecutionException wrappers. */
    static final class WrappedBackupFailure extends RuntimeException {
        WrappedBackupFailure(BackupException e) {
            super(e.getMessage(), e);
        }
    }
}
