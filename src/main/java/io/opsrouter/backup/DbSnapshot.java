package io.opsrouter.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consistent view of the source database shared by several connections: the coordinator exports its snapshot
 * ({@code pg_export_snapshot()}) and keeps its transaction open; each worker imports it with {@code SET TRANSACTION
 * SNAPSHOT} in a REPEATABLE READ, READ ONLY transaction. Every session runs with {@code statement_timeout = 0} and
 * {@code row_security = off}, so that a missing right is an error and never a smaller backup.
 */
final class DbSnapshot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DbSnapshot.class);

    /** A table to export, with what the catalogue says about it. */
    record Table(
            long oid,
            String schema,
            String name,
            List<String> columns,
            List<String> primaryKey,
            long bytes,
            long blocks) {
        String label() {
            return schema + "." + name;
        }

        String qualified() {
            return Sql.ident(schema) + "." + Sql.ident(name);
        }
    }

    private final SourceDb db;
    private final List<Connection> all = new ArrayList<>();
    private Connection coordinator;
    private BlockingQueue<Connection> workers;
    private String snapshotId;
    private Instant snapshotTime;
    private String serverVersion;
    private int serverVersionNum;

    private DbSnapshot(SourceDb db) {
        this.db = db;
    }

    static DbSnapshot open(SourceDb db, int workerCount, Duration lockTimeout) {
        DbSnapshot s = new DbSnapshot(db);
        try {
            s.coordinator = s.session("ops-router backup", lockTimeout);
            try (Statement st = s.coordinator.createStatement()) {
                st.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                try (ResultSet rs =
                        st.executeQuery("SELECT pg_export_snapshot(), now(), current_setting('server_version'), "
                                + "current_setting('server_version_num')::int")) {
                    rs.next();
                    s.snapshotId = rs.getString(1);
                    s.snapshotTime = rs.getObject(2, OffsetDateTime.class).toInstant();
                    s.serverVersion = rs.getString(3);
                    s.serverVersionNum = rs.getInt(4);
                }
            }
            s.workers = new ArrayBlockingQueue<>(workerCount);
            for (int i = 0; i < workerCount; i++) {
                Connection w = s.session("ops-router backup worker " + (i + 1), lockTimeout);
                try (Statement st = w.createStatement()) {
                    st.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    st.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(s.snapshotId));
                }
                s.workers.add(w);
            }
            return s;
        } catch (SQLException e) {
            s.close();
            throw Failures.fromSql(
                    e, null, "cannot open a snapshot of the source database " + SourceDb.redact(db.url()));
        }
    }

    private Connection session(String app, Duration lockTimeout) throws SQLException {
        Connection c = db.connect(app);
        all.add(c);
        try (Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = 0");
            st.execute("SET idle_in_transaction_session_timeout = 0");
            st.execute("SET row_security = off");
            st.execute("SET lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
            st.execute("SET extra_float_digits = 3");
            st.execute("SET DateStyle = ISO");
            st.execute("SET IntervalStyle = postgres");
            st.execute("SET client_encoding = 'UTF8'");
        }
        return c;
    }

    String snapshotId() {
        return snapshotId;
    }

    Instant snapshotTime() {
        return snapshotTime;
    }

    String serverVersion() {
        return serverVersion;
    }

    int serverVersionNum() {
        return serverVersionNum;
    }

    Connection coordinator() {
        return coordinator;
    }

    BlockingQueue<Connection> workers() {
        return workers;
    }

    /** The tables the settings include, each checked for the SELECT right and locked (ACCESS SHARE) against DROP/ALTER. */
    List<Table> tables(BackupSettings settings) {
        List<Table> out = new ArrayList<>();
        int blockSize = 8192;
        String sql = "SELECT c.oid, n.nspname, c.relname, "
                + "has_table_privilege(c.oid, 'SELECT'), current_user, current_setting('block_size')::int, "
                + "(SELECT array_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 "
                + "  AND NOT a.attisdropped AND a.attgenerated = ''), "
                + "(SELECT array_agg(a.attname ORDER BY array_position(i.indkey::int2[], a.attnum)) FROM pg_index i "
                + "  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = c.oid AND i.indisprimary) "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.relkind = 'r' AND n.nspname = ANY(?) AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid "
                + "  AND d.classid = 'pg_class'::regclass AND d.deptype = 'e') ORDER BY n.nspname, c.relname";
        try (PreparedStatement ps = coordinator.prepareStatement(sql)) {
            ps.setArray(1, coordinator.createArrayOf("text", settings.schemas().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String schema = rs.getString(2);
                    String name = rs.getString(3);
                    if (!settings.tableIncluded(schema, name)) continue;
                    if (!rs.getBoolean(4)) {
                        throw new BackupException(
                                "permission",
                                "role " + rs.getString(5) + " has no SELECT right on table " + schema + "." + name
                                        + " (fix: GRANT SELECT ON " + schema + "." + name + " TO " + rs.getString(5)
                                        + ", or exclude the table under tables.exclude in " + BackupSettings.FILE
                                        + ")");
                    }
                    blockSize = rs.getInt(6);
                    List<String> cols = rs.getArray(7) == null
                            ? List.of()
                            : Arrays.asList((String[]) rs.getArray(7).getArray());
                    List<String> pk = rs.getArray(8) == null
                            ? List.of()
                            : Arrays.asList((String[]) rs.getArray(8).getArray());
                    out.add(new Table(rs.getLong(1), schema, name, cols, pk, 0, 0));
                }
            }
        } catch (SQLException e) {
            throw Failures.fromSql(e, null, "cannot list the tables of the source database");
        }
        List<Table> sized = new ArrayList<>();
        for (Table t : out) {
            try (Statement st = coordinator.createStatement()) {
                st.execute("LOCK TABLE " + t.qualified() + " IN ACCESS SHARE MODE");
                try (ResultSet rs = st.executeQuery("SELECT pg_relation_size(" + t.oid() + ")")) {
                    rs.next();
                    long bytes = rs.getLong(1);
                    sized.add(new Table(
                            t.oid(), t.schema(), t.name(), t.columns(), t.primaryKey(), bytes, bytes / blockSize));
                }
            } catch (SQLException e) {
                throw Failures.fromSql(e, t.label(), "cannot lock table " + t.label());
            }
        }
        sized.sort(java.util.Comparator.comparingLong(Table::bytes).reversed());
        LOG.debug("snapshot {} covers {} tables", snapshotId, sized.size());
        return sized;
    }

    /** Every sequence's value as the snapshot's session sees it, for setval on restore. */
    List<Manifest.SequenceInfo> sequences(BackupSettings settings) {
        List<Manifest.SequenceInfo> out = new ArrayList<>();
        List<String[]> names = new ArrayList<>();
        try (PreparedStatement ps =
                coordinator.prepareStatement("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n "
                        + "ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname = ANY(?) ORDER BY 1, 2")) {
            ps.setArray(1, coordinator.createArrayOf("text", settings.schemas().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) names.add(new String[] {rs.getString(1), rs.getString(2)});
            }
            for (String[] n : names) {
                try (Statement st = coordinator.createStatement();
                        ResultSet rs = st.executeQuery(
                                "SELECT last_value, is_called FROM " + Sql.ident(n[0]) + "." + Sql.ident(n[1]))) {
                    rs.next();
                    out.add(new Manifest.SequenceInfo(n[0], n[1], rs.getLong(1), rs.getBoolean(2)));
                }
            }
        } catch (SQLException e) {
            throw Failures.fromSql(e, null, "cannot read the sequences");
        }
        return out;
    }

    List<Manifest.ExtensionInfo> extensions() {
        List<Manifest.ExtensionInfo> out = new ArrayList<>();
        try (Statement st = coordinator.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                                + "WHERE e.extname <> 'plpgsql' ORDER BY 1")) {
            while (rs.next()) out.add(new Manifest.ExtensionInfo(rs.getString(1), rs.getString(2)));
        } catch (SQLException e) {
            throw Failures.fromSql(e, null, "cannot list the extensions");
        }
        return out;
    }

    @Override
    public void close() {
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                LOG.debug("closing a backup session: {}", e.getMessage());
            }
        }
    }
}
