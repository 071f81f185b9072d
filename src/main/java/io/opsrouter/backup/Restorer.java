package io.opsrouter.backup;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a full backup, then the incrementals after it, into an empty database: schema (tables, sequences), the
 * data with parallel {@code COPY ... FROM STDIN}, the sequence values, then keys, indexes and foreign keys. Every
 * entry read is checked against the manifest's SHA-256 as it streams.
 */
public final class Restorer {
    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);

    /** {@code trust}: which signatures the archives must carry (the four-argument form checks none: for archives the caller wrote). */
    public record Options(SourceDb target, Set<String> tables, boolean clean, int jobs, ArchiveTrust trust) {
        public Options(SourceDb target, Set<String> tables, boolean clean, int jobs) {
            this(target, tables, clean, jobs, ArchiveTrust.UNCHECKED);
        }
    }

    public record Summary(int tables, long rows, List<String> warnings) {}

    private final Options options;
    private final Consumer<String> progress;
    private final List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());

    public Restorer(Options options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
    }

    public Summary restore(List<Path> archives) {
        if (archives.isEmpty()) throw new BackupException("target", "name at least one archive to restore");
        Map<Path, ArchiveReader> readers = new LinkedHashMap<>();
        try {
            for (Path a : archives) {
                if (readers.containsKey(a)) throw new BackupException("target", a.getFileName() + " is named twice");
                readers.put(a, ArchiveReader.open(a, options.trust()));
            }
            return restore(archives, readers);
        } finally {
            for (ArchiveReader r : readers.values()) {
                try {
                    r.close();
                } catch (IOException e) {
                    LOG.debug("closing {}: {}", r.path(), e.getMessage());
                }
            }
        }
    }

    private Summary restore(List<Path> archives, Map<Path, ArchiveReader> readers) {
        Map<Path, Manifest> manifests = new LinkedHashMap<>();
        readers.forEach((p, r) -> manifests.put(p, r.manifest()));
        readers.forEach((p, r) -> {
            if (!r.signed())
                progress.accept(p.getFileName() + ": not signed with " + ArchiveSigning.ENV + " (accepted as asked)");
        });
        List<Path> ordered = new ArrayList<>(archives);
        ordered.sort(Comparator.comparing(p -> manifests.get(p).createdAt()));
        Manifest base = manifests.get(ordered.get(0));
        if (base.backupType() != BackupType.FULL) {
            throw new BackupException(
                    "target",
                    ordered.get(0).getFileName() + " is a " + base.type()
                            + " backup: a restore starts from a full backup (fix: name the full backup first, then the incrementals after it)");
        }
        Manifest prev = base;
        for (Path p : ordered.subList(1, ordered.size())) {
            Manifest m = manifests.get(p);
            if (m.backupType() != BackupType.INCREMENTAL) {
                throw new BackupException(
                        "target",
                        p.getFileName() + " is a " + m.type() + " backup: only incrementals may follow the full one");
            }
            if (m.base() == null || m.base().isAfter(prev.createdAt())) {
                throw new BackupException(
                        "target",
                        p.getFileName() + " follows a backup of " + m.base() + ", after the previous archive's "
                                + prev.createdAt() + ": an incremental between them is missing");
            }
            prev = m;
        }
        long rows = 0;
        int tables = 0;
        ArchiveReader zip = readers.get(ordered.get(0));
        if (zip.preData() == null || zip.postData() == null) {
            throw new BackupException("corrupt", ordered.get(0).getFileName() + ": holds no schema entries");
        }
        try (Connection admin = options.target().connect("ops-router restore")) {
            prepareTarget(admin, base);
            {
                SchemaScript pre = zip.preData();
                SchemaScript post = zip.postData();
                progress.accept("schema: " + pre.blocks.size() + " objects");
                runBlocksInOrder(admin, pre, false);
                List<Manifest.TableInfo> chosen = chosen(base);
                rows += copyData(zip, base, chosen);
                tables = chosen.size();
                progress.accept("data loaded: " + rows + " rows");
                setSequences(admin, base);
                progress.accept("keys and indexes: " + post.blocks.size() + " objects");
                runPostData(post);
                progress.accept("keys and indexes done");
            }
            for (Path p : ordered.subList(1, ordered.size())) {
                progress.accept("applying " + p.getFileName());
                rows += applyIncremental(admin, readers.get(p), manifests.get(p));
            }
        } catch (SQLException e) {
            throw Failures.fromSql(
                    e, null, "restore into " + SourceDb.redact(options.target().url()) + " failed");
        } catch (IOException e) {
            throw Failures.fromIo(e, "restore failed reading the archive");
        }
        return new Summary(tables, rows, List.copyOf(warnings));
    }

    private List<Manifest.TableInfo> chosen(Manifest m) {
        if (options.tables() == null || options.tables().isEmpty()) return m.tables();
        List<Manifest.TableInfo> out = new ArrayList<>();
        Set<String> unknown = new LinkedHashSet<>(options.tables());
        for (Manifest.TableInfo t : m.tables()) {
            if (options.tables().contains(t.label()) || options.tables().contains(t.name())) {
                out.add(t);
                unknown.remove(t.label());
                unknown.remove(t.name());
            }
        }
        if (!unknown.isEmpty())
            throw new BackupException("target", "the archive holds no table " + String.join(", ", unknown));
        return out;
    }

    private static Set<String> schemas(Manifest m) {
        Set<String> s = new LinkedHashSet<>();
        m.tables().forEach(t -> s.add(t.schema()));
        m.sequences().forEach(q -> s.add(q.schema()));
        return s;
    }

    private void prepareTarget(Connection c, Manifest m) throws SQLException {
        Set<String> schemas = schemas(m);
        List<String> found = new ArrayList<>();
        try (var ps = c.prepareStatement(
                "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE c.relkind IN ('r','p','S','v','m','f') AND n.nspname = ANY(?) ORDER BY 1 LIMIT 5")) {
            ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) found.add(rs.getString(1));
            }
        }
        if (!found.isEmpty() && !options.clean()) {
            throw new BackupException(
                    "target",
                    "the target database is not empty: it holds " + String.join(", ", found)
                            + (found.size() == 5 ? ", ..." : "")
                            + " (fix: restore into an empty database, or pass --clean to drop the archive's "
                            + "tables and sequences that the target holds first)");
        }
        if (options.clean()) clean(c, m);
        try (Statement st = c.createStatement()) {
            for (String s : schemas) st.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(s));
        }
        for (Manifest.ExtensionInfo x : m.extensions() == null ? List.<Manifest.ExtensionInfo>of() : m.extensions()) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(x.schema()));
                st.execute("CREATE EXTENSION IF NOT EXISTS " + Sql.ident(x.name()) + " WITH SCHEMA "
                        + Sql.ident(x.schema()));
            } catch (SQLException e) {
                warn("extension " + x.name() + " not created: " + e.getMessage().split("\n")[0]);
            }
        }
    }

    /**
     * Drops what the manifest lists (its tables, then its sequences) and the target holds, without CASCADE: nothing the
     * archive does not name is dropped; an object of the target that depends on one of them stops the restore by name.
     */
    private void clean(Connection c, Manifest m) throws SQLException {
        List<String> tables = held(
                c,
                m.tables().stream()
                        .map(t -> new String[] {t.schema(), t.name()})
                        .toList(),
                "'r','p'");
        List<String> sequences = held(
                c,
                m.sequences().stream()
                        .map(q -> new String[] {q.schema(), q.name()})
                        .toList(),
                "'S'");
        try (Statement st = c.createStatement()) {
            if (!tables.isEmpty()) st.execute("DROP TABLE IF EXISTS " + String.join(", ", tables));
            if (!sequences.isEmpty()) st.execute("DROP SEQUENCE IF EXISTS " + String.join(", ", sequences));
        } catch (SQLException e) {
            throw new BackupException(
                    "target",
                    "--clean cannot drop the archive's tables and sequences: "
                            + e.getMessage().split("\n")[0]
                            + " (fix: drop what depends on them by hand, or restore into an empty database)",
                    e);
        }
        progress.accept(
                "dropped " + tables.size() + " tables and " + sequences.size() + " sequences the archive lists");
    }

    /** Those of the named relations the target holds (of the given relkinds), quoted. */
    private static List<String> held(Connection c, List<String[]> names, String kinds) throws SQLException {
        List<String> out = new ArrayList<>();
        if (names.isEmpty()) return out;
        try (var ps = c.prepareStatement(
                "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "JOIN unnest(?::text[], ?::text[]) AS want(s, r) ON want.s = n.nspname AND want.r = c.relname WHERE c.relkind IN ("
                        + kinds
                        + ") AND NOT c.relispartition ORDER BY 1, 2")) {
            ps.setArray(1, c.createArrayOf("text", names.stream().map(n -> n[0]).toArray()));
            ps.setArray(2, c.createArrayOf("text", names.stream().map(n -> n[1]).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(Sql.ident(rs.getString(1)) + "." + Sql.ident(rs.getString(2)));
            }
        }
        return out;
    }

    private void runBlocksInOrder(Connection c, SchemaScript script, boolean tolerant) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (!script.preamble.isBlank()) st.execute(script.preamble);
            for (SchemaScript.Block b : script.blocks) {
                String sql = b.type().equals("SCHEMA")
                        ? b.sql().replaceAll("(?m)^CREATE SCHEMA (?!IF NOT EXISTS)", "CREATE SCHEMA IF NOT EXISTS ")
                        : b.sql();
                try {
                    st.execute(sql);
                } catch (SQLException e) {
                    if (!tolerant)
                        throw new SQLException(b.type() + " " + b.name() + ": " + e.getMessage(), e.getSQLState(), e);
                    warn(b.type() + " " + b.name() + " not restored: "
                            + e.getMessage().split("\n")[0]);
                }
            }
        }
    }

    private long copyData(ArchiveReader zip, Manifest m, List<Manifest.TableInfo> tables)
            throws SQLException, IOException {
        record Part(Manifest.TableInfo table, Manifest.Entry entry) {}
        Map<String, Manifest.Entry> entries = new LinkedHashMap<>();
        m.entries().forEach(e -> entries.put(e.name(), e));
        List<Part> parts = new ArrayList<>();
        for (Manifest.TableInfo t : tables) for (String p : t.parts()) parts.add(new Part(t, entry(entries, p)));
        parts.sort(Comparator.comparingLong((Part p) -> p.entry().size()).reversed());
        progress.accept(
                "data: " + tables.size() + " tables in " + parts.size() + " parts, " + options.jobs() + " at a time");
        ExecutorService pool = Executors.newFixedThreadPool(options.jobs(), BackupWriter.daemonThreads("restore"));
        ThreadLocal<Connection> conns = new ThreadLocal<>();
        List<Connection> opened = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (Part p : parts) {
                futures.add(pool.submit(() -> {
                    Connection c = conns.get();
                    if (c == null) {
                        c = options.target().connect("ops-router restore worker");
                        opened.add(c);
                        try (Statement st = c.createStatement()) {
                            st.execute("SET synchronous_commit = off");
                            st.execute("SET statement_timeout = 0");
                        }
                        conns.set(c);
                    }
                    return copyIn(zip, c, p.table(), p.entry());
                }));
            }
            long rows = 0;
            for (Future<Long> f : futures) rows += f.get();
            return rows;
        } catch (java.util.concurrent.ExecutionException e) {
            BackupException clear = Failures.find(e);
            if (clear != null) throw clear;
            if (e.getCause() instanceof SQLException s) throw s;
            if (e.getCause() instanceof IOException io) throw io;
            throw new BackupException("database", "restore failed: " + Failures.rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException("database", "restore interrupted");
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Connection c : opened) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing after the work is done
                }
            }
        }
    }

    private static Manifest.Entry entry(Map<String, Manifest.Entry> entries, String name) {
        Manifest.Entry e = entries.get(name);
        if (e == null) throw new BackupException("corrupt", name + ": not listed in the manifest");
        return e;
    }

    private static long copyIn(ArchiveReader zip, Connection c, Manifest.TableInfo t, Manifest.Entry e)
            throws SQLException, IOException {
        return copyInto(zip, c, t.qualified() + " (" + Sql.columns(t.columns()) + ")", t.label(), e);
    }

    private static long copyInto(ArchiveReader zip, Connection c, String target, String label, Manifest.Entry e)
            throws SQLException, IOException {
        try (HashingInputStream in = new HashingInputStream(zip.open(e))) {
            long rows;
            try {
                rows = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + target + " FROM STDIN", in, 1 << 16);
            } catch (SQLException ex) {
                BackupException clear = Failures.find(ex);
                if (clear != null) throw clear;
                throw new SQLException(
                        "COPY into " + label + " from " + e.name() + ": " + ex.getMessage(), ex.getSQLState(), ex);
            } catch (IOException ex) {
                throw new BackupException("corrupt", e.name() + ": cannot be decompressed: " + ex.getMessage(), ex);
            }
            if (in.bytes() != e.size() || !in.hex().equalsIgnoreCase(e.sha256())) {
                throw new BackupException(
                        "corrupt",
                        e.name() + ": SHA-256 or size differs from the manifest: the archive is damaged "
                                + "(the target holds partial data of " + label + ")");
            }
            return rows;
        }
    }

    private void setSequences(Connection c, Manifest m) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (Manifest.SequenceInfo s : m.sequences()) {
                st.execute("SELECT pg_catalog.setval(" + Sql.literal(Sql.ident(s.schema()) + "." + Sql.ident(s.name()))
                        + ", " + s.lastValue() + ", " + s.isCalled() + ")");
            }
        }
    }

    private void runPostData(SchemaScript post) throws SQLException {
        boolean tolerant = options.tables() != null && !options.tables().isEmpty();
        Map<String, List<SchemaScript.Block>> constraintsByTable = new LinkedHashMap<>();
        List<SchemaScript.Block> indexes = new ArrayList<>();
        List<SchemaScript.Block> rest = new ArrayList<>();
        for (SchemaScript.Block b : post.blocks) {
            switch (b.type()) {
                case "CONSTRAINT" ->
                    constraintsByTable
                            .computeIfAbsent(SchemaScript.alteredTable(b), k -> new ArrayList<>())
                            .add(b);
                case "INDEX" -> indexes.add(b);
                default -> rest.add(b);
            }
        }
        List<List<SchemaScript.Block>> groups = new ArrayList<>(constraintsByTable.values());
        runParallel(post.preamble, groups, tolerant);
        runParallel(post.preamble, indexes.stream().map(List::of).toList(), tolerant);
        try (Connection c = options.target().connect("ops-router restore")) {
            runBlocksInOrder(c, new SchemaScriptView(post.preamble, rest).script(), tolerant);
        }
    }

    private void runParallel(String preamble, List<List<SchemaScript.Block>> groups, boolean tolerant)
            throws SQLException {
        if (groups.isEmpty()) return;
        ExecutorService pool = Executors.newFixedThreadPool(options.jobs(), BackupWriter.daemonThreads("restore-ddl"));
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (List<SchemaScript.Block> g : groups) {
                fs.add(pool.submit(() -> {
                    try (Connection c = options.target().connect("ops-router restore")) {
                        try (Statement st = c.createStatement()) {
                            st.execute("SET maintenance_work_mem = '128MB'");
                            st.execute("SET statement_timeout = 0");
                        }
                        runBlocksInOrder(c, new SchemaScriptView(preamble, g).script(), tolerant);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SQLException s) throw s;
            throw new BackupException("database", "restore failed: " + Failures.rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException("database", "restore interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    private synchronized void warn(String w) {
        warnings.add(w);
    }

    private long applyIncremental(Connection c, ArchiveReader zip, Manifest m) throws SQLException, IOException {
        Path archive = zip.path();
        long rows = 0;
        boolean auto = c.getAutoCommit();
        try (Statement st = c.createStatement()) {
            Map<String, Manifest.Entry> entries = new LinkedHashMap<>();
            m.entries().forEach(e -> entries.put(e.name(), e));
            c.setAutoCommit(false);
            try {
                st.execute("SET LOCAL session_replication_role = replica");
            } catch (SQLException e) {
                c.rollback();
                warn("foreign keys checked while applying " + archive.getFileName() + " (not a superuser): "
                        + e.getMessage().split("\n")[0]);
            }
            for (Manifest.TableInfo t : chosen(m)) {
                if (t.mode().equals("whole")) {
                    st.execute("DELETE FROM " + t.qualified());
                    for (String p : t.parts())
                        rows += copyInto(
                                zip,
                                c,
                                t.qualified() + " (" + Sql.columns(t.columns()) + ")",
                                t.label(),
                                entry(entries, p));
                } else {
                    st.execute("DROP TABLE IF EXISTS pg_temp.ops_router_changes");
                    st.execute("CREATE TEMP TABLE ops_router_changes AS SELECT " + Sql.columns(t.columns()) + " FROM "
                            + t.qualified() + " WITH NO DATA");
                    for (String p : t.parts())
                        rows += copyInto(
                                zip,
                                c,
                                "pg_temp.ops_router_changes (" + Sql.columns(t.columns()) + ")",
                                t.label(),
                                entry(entries, p));
                    if (!t.primaryKey().isEmpty()) {
                        String on = String.join(
                                " AND ",
                                t.primaryKey().stream()
                                        .map(k -> "t." + Sql.ident(k) + " = n." + Sql.ident(k))
                                        .toList());
                        st.execute(
                                "DELETE FROM " + t.qualified() + " t USING pg_temp.ops_router_changes n WHERE " + on);
                    }
                    st.execute("INSERT INTO " + t.qualified() + " (" + Sql.columns(t.columns())
                            + ") OVERRIDING SYSTEM VALUE SELECT " + Sql.columns(t.columns())
                            + " FROM pg_temp.ops_router_changes");
                    st.execute("DROP TABLE pg_temp.ops_router_changes");
                }
            }
            setSequences(c, m);
            c.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
        return rows;
    }

    /** A script of chosen blocks with the original preamble. */
    private record SchemaScriptView(String preamble, List<SchemaScript.Block> blocks) {
        SchemaScript script() {
            return SchemaScript.of(preamble, blocks);
        }
    }
}
