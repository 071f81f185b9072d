package io.opsrouter.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's durable state: alerts, silences, the notification outbox, the backup catalogue.
 * An embedded H2 file by default, PostgreSQL when {@code ROUTER_DB_URL} names one. The same
 * migrations and SQL serve both: H2 runs in its PostgreSQL mode. Rows that several replicas could
 * race for are claimed with row locks or unique keys, never with in-memory state.
 */
public final class StateStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    public static final String MIGRATIONS = "classpath:db/migration";

    /** The hooks of the transactions open on this thread, innermost first. */
    private static final ThreadLocal<Deque<TransactionHooks>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final SharedFlush flush;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final StoreTimeouts timeouts;
    private final ReachabilityCheck reachability;
    private StoreServer server;
    private FileSync fileSync;

    private StateStore(HikariDataSource dataSource, Dialect dialect, StoreTimeouts timeouts) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.flush = dialect == Dialect.H2 ? new SharedFlush(dataSource) : null;
        this.timeouts = timeouts;
        this.reachability = new ReachabilityCheck(this::answers, timeouts.healthCheck());
    }

    /** Opens the pool and brings the schema to the newest migration, with the shipped timeouts. */
    public static StateStore open(String url, String user, String password, int poolSize, Path dataDir) {
        return open(url, user, password, poolSize, dataDir, StoreTimeouts.DEFAULTS);
    }

    /** Opens the pool and brings the schema to the newest migration. */
    public static StateStore open(
            String url, String user, String password, int poolSize, Path dataDir, StoreTimeouts timeouts) {
        Dialect dialect = Dialect.of(url);
        String jdbcUrl = url;
        if (dialect == Dialect.H2) {
            jdbcUrl = H2Urls.withPostgresMode(url);
            try {
                if (dataDir != null) Files.createDirectories(dataDir);
            } catch (Exception e) {
                throw new StoreSetupException(
                        "ROUTER_DATA_DIR",
                        "cannot create " + dataDir + ": " + e.getMessage(),
                        "point ROUTER_DATA_DIR at a writable folder",
                        null);
            }
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(jdbcUrl);
        if (user != null) cfg.setUsername(user);
        if (password != null) cfg.setPassword(password);
        cfg.setMaximumPoolSize(poolSize);
        cfg.setMinimumIdle(Math.min(2, poolSize));
        cfg.setPoolName("state-store");
        timeouts.apply(cfg, dialect);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            throw new StoreSetupException(
                    "ROUTER_DB_URL",
                    "the state store at " + redact(url) + " cannot be opened: " + rootMessage(e),
                    "check the URL, user and password, or unset ROUTER_DB_URL for the embedded store",
                    e);
        }
        try {
            org.flywaydb.core.api.configuration.FluentConfiguration flyway = Flyway.configure();
            // on PostgreSQL on a connection of its own, without the pool's timeouts: a migration may take longer
            if (dialect == Dialect.H2) flyway.dataSource(ds);
            else flyway.dataSource(url, user, password);
            MigrateResult result = flyway.locations(MIGRATIONS)
                    // versions are ranged per concern (V1's comment), so a new V1x lands below an applied V30
                    .outOfOrder(true)
                    .loggers("slf4j")
                    .load()
                    .migrate();
            if (result.migrationsExecuted == 0) {
                LOG.info(
                        "state store {}: schema up to date at version {}",
                        dialect.label(),
                        result.initialSchemaVersion);
            } else {
                LOG.info(
                        "state store {}: schema migrated from version {} to {} ({} migrations applied)",
                        dialect.label(),
                        result.initialSchemaVersion == null ? "none (new store)" : result.initialSchemaVersion,
                        result.targetSchemaVersion,
                        result.migrationsExecuted);
            }
        } catch (RuntimeException e) {
            ds.close();
            throw new StoreException("state store migration failed: " + rootMessage(e), e);
        }
        StateStore store = new StateStore(ds, dialect, timeouts);
        if (store.flush != null) {
            try {
                store.flush.await(store.flush.committed());
            } catch (StoreException e) {
                ds.close();
                throw new StoreSetupException(
                        "ROUTER_DB_USER",
                        "the embedded store cannot write its commits to the file: " + rootMessage(e),
                        "use the user that created the embedded store (it needs admin rights for CHECKPOINT)",
                        e);
            }
            store.fileSync = FileSync.start(ds).orElse(null);
        }
        return store;
    }

    /** The embedded store's URL in {@code dataDir}: a file only this process opens (see {@link #openEmbedded}). */
    public static String embeddedUrl(Path dataDir) {
        // QUERY_CACHE_SIZE: H2 re-parses any statement outside its per-session cache (8 by default), and the
        // alert intake alone prepares more distinct statements than that per transaction.
        // DB_CLOSE_ON_EXIT=FALSE: the router's own shutdown hook still writes while it stops (which also rules out
        // H2's AUTO_SERVER); other processes reach the store through the server StoreServer starts instead
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("router")
                + ";AUTO_SERVER=FALSE;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=256";
    }

    /**
     * Opens the embedded store in {@code dataDir} for the router and serves it to the one-shot commands of the same
     * home ({@link StoreServer}: H2's TCP server on a loopback port, with a random key, both in a file only this user
     * reads). A failure names ROUTER_DATA_DIR and the file, not ROUTER_DB_URL, which nobody set.
     */
    public static StateStore openEmbedded(Path dataDir, String user, String password, int poolSize) {
        return openEmbedded(dataDir, user, password, poolSize, StoreTimeouts.DEFAULTS);
    }

    /** {@link #openEmbedded(Path, String, String, int)} with the given timeouts. */
    public static StateStore openEmbedded(
            Path dataDir, String user, String password, int poolSize, StoreTimeouts timeouts) {
        StateStore store = openEmbeddedFile(dataDir, user, password, poolSize, timeouts);
        try {
            store.server = StoreServer.start(dataDir);
        } catch (StoreSetupException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /**
     * Opens the embedded store for a one-shot command: through the server of a router running on this home, or
     * the file itself when none runs (then a router started meanwhile waits for the file, see {@link StoreServer}).
     */
    public static StateStore openEmbeddedBeside(Path dataDir, String user, String password, int poolSize) {
        java.util.Optional<String> served = StoreServer.runningUrl(dataDir);
        if (served.isPresent()) {
            try {
                return open(served.get(), user, password, poolSize, null);
            } catch (StoreSetupException e) {
                throw new StoreSetupException(
                        "ROUTER_DATA_DIR",
                        "the router running on " + dataDir.toAbsolutePath() + " serves its store but refused this"
                                + " command: " + rootMessage(e),
                        "run the command as the user the router runs as, with the router's ROUTER_DB_USER and"
                                + " ROUTER_DB_PASSWORD",
                        e);
            }
        }
        return openEmbeddedFile(dataDir, user, password, poolSize, StoreTimeouts.DEFAULTS);
    }

    private static StateStore openEmbeddedFile(
            Path dataDir, String user, String password, int poolSize, StoreTimeouts timeouts) {
        try {
            return open(embeddedUrl(dataDir), user, password, poolSize, dataDir, timeouts);
        } catch (StoreSetupException e) {
            if (!e.setting().equals("ROUTER_DB_URL")) throw e;
            Path file = dataDir.toAbsolutePath().resolve("router.mv.db");
            String cause = rootMessage(e);
            String fix = cause.toLowerCase(java.util.Locale.ROOT).contains("locked")
                    ? "another process holds " + file + " (a router of an older version, a one-shot command still"
                            + " running, an H2 tool): let it finish or stop it, then try again"
                    : "check that " + file + " is an ops-router store this user can read and write";
            throw new StoreSetupException(
                    "ROUTER_DATA_DIR", "the embedded store " + file + " cannot be opened: " + cause, fix, e);
        }
    }

    /** What forces the embedded file to disk; null for PostgreSQL and for H2 reached over TCP. */
    FileSync fileSync() {
        return fileSync;
    }

    /** The size of the embedded store's file; empty for PostgreSQL and for H2 reached over TCP. */
    public OptionalLong embeddedFileBytes() {
        return fileSync == null ? OptionalLong.empty() : OptionalLong.of(fileSync.fileBytes());
    }

    /** The most connections the pool opens (ROUTER_DB_POOL_SIZE). */
    public int poolSize() {
        return dataSource.getMaximumPoolSize();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. Returns once
     * the commit is durable (PostgreSQL's commit; on H2, in the file). Hooks {@link #afterCommit registered}
     * while it runs are run after that, on this thread.
     */
    public <T> T inTransaction(SqlWork<T> work) {
        return inTransactionUnsettled(work).settle();
    }

    /**
     * Like {@link #inTransaction}, but returns once the commit is visible, without waiting for it to be durable:
     * for changes that a crash may undo without harm, because what they record is done again after a restart
     * (a claim on outbox rows, folding rows of one table into another). They reach the file with the next
     * commit that waits, or H2's own background write within a second. Hooks run at once.
     */
    public <T> T inTransactionUndurable(SqlWork<T> work) {
        return inTransactionUnsettled(work).settleUndurably();
    }

    /**
     * Like {@link #inTransaction}, but returns right after the commit, before waiting for it to be durable, so a
     * writer can start its next transaction meanwhile. Nothing may be acknowledged before {@link Commit#settle}.
     */
    public <T> Commit<T> inTransactionUnsettled(SqlWork<T> work) {
        Deque<TransactionHooks> open = OPEN.get();
        TransactionHooks hooks = new TransactionHooks();
        open.push(hooks);
        T result;
        boolean committed = false;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                result = work.run(c);
                c.commit();
                committed = true;
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw StoreUnreachableException.of(e);
        } finally {
            open.pop();
            if (open.isEmpty()) OPEN.remove();
            hooks.ended(committed);
        }
        return new Commit<>(result, hooks.afterCommit(), flush == null ? 0 : flush.committed());
    }

    /** Rolls back; a rollback that fails (the connection is lost) is kept with {@code cause}, which is what callers hear. */
    private static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** A committed transaction; {@link #settle} waits until it is durable and then runs its after-commit hooks once. */
    public final class Commit<T> {
        private final T result;
        private final Set<Runnable> hooks;
        private final long ticket;
        private final AtomicBoolean hooksRun = new AtomicBoolean();

        private Commit(T result, Set<Runnable> hooks, long ticket) {
            this.result = result;
            this.hooks = hooks;
            this.ticket = ticket;
        }

        public T settle() {
            return settle(true);
        }

        /**
         * {@link #settle} without waiting for the commit to be durable: for a writer that makes its commits durable
         * together, later ({@link #awaitDurable}), and for work that turned out to change nothing.
         */
        public T settleUndurably() {
            return settle(false);
        }

        /** Returns once this commit, and every commit before it, is durable. */
        public void awaitDurable() {
            if (flush != null) flush.await(ticket);
        }

        private T settle(boolean durably) {
            if (durably) awaitDurable();
            if (hooksRun.compareAndSet(false, true)) {
                for (Runnable hook : hooks) run(hook);
            }
            return result;
        }
    }

    /**
     * Runs {@code hook} once the transaction this thread is in (the innermost {@link #inTransaction}) has
     * committed, after its connection went back to the pool; never if it rolls back. The same hook object
     * registered twice in one transaction runs once. Outside a transaction it runs at once: there is
     * nothing to wait for. A hook that throws is logged; the commit stands.
     */
    public static void afterCommit(Runnable hook) {
        Deque<TransactionHooks> open = OPEN.get();
        if (open.isEmpty()) {
            OPEN.remove();
            run(hook);
            return;
        }
        open.peek().afterCommit().add(hook);
    }

    /** Whether this thread is inside a transaction of a {@code StateStore}. */
    public static boolean transactionOpen() {
        Deque<TransactionHooks> open = OPEN.get();
        if (!open.isEmpty()) return true;
        OPEN.remove();
        return false;
    }

    /**
     * Runs {@code hook} as soon as the transaction this thread is in ends, on this thread, with true when it committed
     * (visible, not yet durable) and false when it rolled back: for in-memory state that must follow the transaction
     * either way. Outside a transaction it runs at once with true.
     */
    public static void whenEnded(Consumer<Boolean> hook) {
        Deque<TransactionHooks> open = OPEN.get();
        if (open.isEmpty()) {
            OPEN.remove();
            hook.accept(true);
            return;
        }
        open.peek().whenEnded(hook);
    }

    private static void run(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            LOG.warn("after-commit hook failed (the transaction is committed): {}", e.toString());
        }
    }

    /** Runs {@code work} on a connection in auto-commit mode, for single reads. */
    public <T> T read(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw StoreUnreachableException.of(e);
        }
    }

    /**
     * True when a connection answered within {@link StoreTimeouts#healthCheck()}. Never blocks its caller longer than
     * that: one check runs at a time, callers meanwhile get the last answer (see {@link ReachabilityCheck}).
     */
    public boolean isReachable() {
        if (closed.get()) return false;
        return reachability.reachable();
    }

    private boolean answers() {
        if (closed.get()) return false;
        try (Connection c = dataSource.getConnection()) {
            return c.isValid((int) StoreTimeouts.seconds(timeouts.healthCheck()));
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            reachability.close();
            if (server != null) server.stop();
            if (fileSync != null) fileSync.close();
            dataSource.close();
        }
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
