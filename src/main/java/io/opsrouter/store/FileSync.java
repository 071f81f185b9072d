package io.opsrouter.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.Database;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forces the embedded store's file to disk every {@link #INTERVAL}, and lets H2 write into the space of a dead chunk
 * once the chunk is {@link #RETENTION_MILLIS} old instead of 45 s. H2 writes every commit to free space; its
 * retention time is its guess of how long the operating system may hold a write back, and no chunk younger than that
 * is written over (readers' versions are kept apart from it). With 45 s, none of a storm's chunks could be reused
 * while it lasted and the file grew 12 MB per 1,000 alerts (bench/delivery {@code flood-p1}, 30,000 alerts: 357 MB);
 * with 2 s and this sync, 5 MB (145-158 MB). A commit is in the file when it is acknowledged ({@link SharedFlush}),
 * and on the disk within about {@link #INTERVAL}, where the operating system alone took up to 30 s.
 */
final class FileSync implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofMillis(500);
    /** Four intervals: whatever a chunk this old was written before has been forced to disk several times since. */
    static final int RETENTION_MILLIS = 2000;

    private static final Logger LOG = LoggerFactory.getLogger(FileSync.class);

    private final MVStore file;
    private final ScheduledExecutorService timer;
    private volatile long syncedVersion = -1;
    private boolean failing;

    private FileSync(MVStore file) {
        this.file = file;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "state-store:sync");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts syncing the H2 file this process has open behind {@code dataSource}; empty for any other store. */
    static Optional<FileSync> start(DataSource dataSource) {
        MVStore file;
        try (Connection c = dataSource.getConnection()) {
            if (!(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local)) return Optional.empty();
            Database db = local.getDatabase();
            if (!db.isPersistent() || db.getStore() == null) return Optional.empty();
            file = db.getStore().getMvStore();
        } catch (SQLException e) {
            throw StoreUnreachableException.of(e);
        }
        file.setRetentionTime(RETENTION_MILLIS);
        FileSync sync = new FileSync(file);
        long period = INTERVAL.toMillis();
        sync.timer.scheduleWithFixedDelay(sync::sync, period, period, TimeUnit.MILLISECONDS);
        return Optional.of(sync);
    }

    /**
     * The store's version when the last sync began (-1 before the first): whatever was written to the file before
     * then, every acknowledged commit among it, is on disk.
     */
    long syncedVersion() {
        return syncedVersion;
    }

    /** The file's size in bytes. */
    long fileBytes() {
        return file.isClosed() ? 0 : file.getFileStore().size();
    }

    int retentionMillis() {
        return file.getRetentionTime();
    }

    private void sync() {
        if (file.isClosed()) return;
        long version = file.getCurrentVersion();
        if (version == syncedVersion) return;
        try {
            file.sync();
            syncedVersion = version;
            if (failing) LOG.info("state store: the embedded file is forced to disk again");
            failing = false;
        } catch (RuntimeException e) {
            if (file.isClosed()) return;
            if (!failing) LOG.warn("state store: the embedded file cannot be forced to disk: {}", e.getMessage());
            failing = true;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
