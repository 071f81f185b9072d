package io.opsrouter.backup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema in the backup's snapshot, in two parts: pre-data (schemas, tables, sequences) and post-data (keys,
 * indexes, foreign keys, triggers). {@code pg_dump --schema-only --snapshot} where pg_dump is installed; otherwise
 * a catalogue extract good enough for tables, keys, indexes and sequences.
 */
final class SchemaDump {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaDump.class);

    record Result(String source, byte[] preData, byte[] postData) {}

    private SchemaDump() {}

    static Result take(DbSnapshot snap, SourceDb db, BackupSettings settings, List<DbSnapshot.Table> tables) {
        Path pgDump = findPgDump(settings.pgDump());
        if (pgDump != null) {
            try {
                byte[] pre = runPgDump(pgDump, snap, db, settings, "pre-data");
                byte[] post = runPgDump(pgDump, snap, db, settings, "post-data");
                return new Result("pg_dump", pre, post);
            } catch (BackupException e) {
                LOG.warn("pg_dump could not take the schema ({}); using the catalogue extract", e.getMessage());
            }
        }
        try {
            return CatalogueDdl.extract(snap.coordinator(), settings, tables);
        } catch (SQLException e) {
            throw Failures.fromSql(e, null, "cannot read the schema from the catalogue");
        }
    }

    static Path findPgDump(String setting) {
        if ("none".equalsIgnoreCase(setting)) return null;
        if (!"auto".equalsIgnoreCase(setting)) {
            Path p = Path.of(setting);
            return Files.isExecutable(p) ? p : null;
        }
        for (String dir : new String[] {"/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"}) {
            Path p = Path.of(dir, "pg_dump");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static byte[] runPgDump(
            Path pgDump, DbSnapshot snap, SourceDb db, BackupSettings settings, String section) {
        List<String> cmd = new ArrayList<>(List.of(
                pgDump.toString(),
                "--schema-only",
                "--no-owner",
                "--no-privileges",
                "--section=" + section,
                "--snapshot=" + snap.snapshotId(),
                "--no-sync"));
        for (String s : settings.schemas()) cmd.add("--schema=" + s);
        for (String t : settings.excludeTables()) cmd.add("--exclude-table=" + t);
        for (String t : settings.includeTables()) cmd.add("--table=" + t);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(db.libpqEnv());
        pb.redirectErrorStream(false);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = new Thread(() -> copy(p.getErrorStream(), err), "pg_dump-stderr");
            errReader.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new BackupException("database", "pg_dump --section=" + section + " did not finish in 10 minutes");
            }
            errReader.join();
            if (p.exitValue() != 0) {
                throw new BackupException(
                        "database",
                        "pg_dump --section=" + section + " failed: "
                                + err.toString(StandardCharsets.UTF_8).trim().replace('\n', ' '));
            }
            return out;
        } catch (IOException e) {
            throw new BackupException("database", "cannot run " + pgDump + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException("database", "interrupted while running pg_dump");
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // stderr of a process that ended
        }
    }

    /** The catalogue extract, written in pg_dump's block format so that restore splits both the same way. */
    static final class CatalogueDdl {
        private CatalogueDdl() {}

        static Result extract(Connection c, BackupSettings settings, List<DbSnapshot.Table> tables)
                throws SQLException {
            StringBuilder pre = new StringBuilder("-- schema extracted from the catalogue by ops-router\n\n");
            StringBuilder post = new StringBuilder("-- schema extracted from the catalogue by ops-router\n\n");
            for (String s : settings.schemas())
                block(pre, s, "SCHEMA", "CREATE SCHEMA IF NOT EXISTS " + Sql.ident(s) + ";");
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT schemaname, sequencename, data_type, start_value, min_value, max_value, "
                            + "increment_by, cycle, cache_size FROM pg_sequences s WHERE schemaname = ANY(?) AND NOT EXISTS (SELECT 1 FROM pg_depend d "
                            + "WHERE d.objid = format('%I.%I', s.schemaname, s.sequencename)::regclass AND d.deptype = 'i') ORDER BY 1, 2")) {
                ps.setArray(1, c.createArrayOf("text", settings.schemas().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        block(
                                pre,
                                rs.getString(2),
                                "SEQUENCE",
                                "CREATE SEQUENCE " + Sql.ident(rs.getString(1)) + "." + Sql.ident(rs.getString(2))
                                        + " AS " + rs.getString(3) + " START WITH " + rs.getLong(4) + " INCREMENT BY "
                                        + rs.getLong(7)
                                        + " MINVALUE " + rs.getLong(5) + " MAXVALUE " + rs.getLong(6) + " CACHE "
                                        + rs.getLong(9)
                                        + (rs.getBoolean(8) ? " CYCLE" : " NO CYCLE") + ";");
                    }
                }
            }
            for (DbSnapshot.Table t : tables) {
                List<String> cols = new ArrayList<>();
                try (PreparedStatement ps =
                        c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                                + "pg_get_expr(d.adbin, d.adrelid), a.attgenerated, a.attidentity FROM pg_attribute a LEFT JOIN pg_attrdef d "
                                + "ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped "
                                + "ORDER BY a.attnum")) {
                    ps.setLong(1, t.oid());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            StringBuilder col =
                                    new StringBuilder("    " + Sql.ident(rs.getString(1)) + " " + rs.getString(2));
                            if (rs.getString(4) != null) {
                                col.append(
                                        "s".equals(rs.getString(5))
                                                ? " GENERATED ALWAYS AS (" + rs.getString(4) + ") STORED"
                                                : " DEFAULT " + rs.getString(4));
                            }
                            if ("a".equals(rs.getString(6))) col.append(" GENERATED ALWAYS AS IDENTITY");
                            if ("d".equals(rs.getString(6))) col.append(" GENERATED BY DEFAULT AS IDENTITY");
                            if (rs.getBoolean(3)) col.append(" NOT NULL");
                            cols.add(col.toString());
                        }
                    }
                }
                block(
                        pre,
                        t.name(),
                        "TABLE",
                        "CREATE TABLE " + t.qualified() + " (\n" + String.join(",\n", cols) + "\n);");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT d.refobjid::regclass::text, quote_ident(n.nspname) || '.' || quote_ident(s.relname), "
                            + "a.attname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_namespace n ON n.oid = s.relnamespace "
                            + "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
                            + "WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'a' AND n.nspname = ANY(?)")) {
                ps.setArray(1, c.createArrayOf("text", settings.schemas().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        block(
                                pre,
                                rs.getString(2),
                                "SEQUENCE OWNED BY",
                                "ALTER SEQUENCE " + rs.getString(2) + " OWNED BY " + rs.getString(1) + "."
                                        + Sql.ident(rs.getString(3)) + ";");
                    }
                }
            }
            List<String> fks = new ArrayList<>();
            for (DbSnapshot.Table t : tables) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                                + "WHERE conrelid = ? AND contype IN ('p','u','c','x','f') ORDER BY contype = 'f', conname")) {
                    ps.setLong(1, t.oid());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String stmt = "ALTER TABLE ONLY " + t.qualified() + " ADD CONSTRAINT "
                                    + Sql.ident(rs.getString(1)) + " " + rs.getString(3) + ";";
                            if ("f".equals(rs.getString(2))) fks.add(stmt);
                            else block(post, rs.getString(1), "CONSTRAINT", stmt);
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                                + "WHERE i.indrelid = ? AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)")) {
                    ps.setLong(1, t.oid());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) block(post, rs.getString(1), "INDEX", rs.getString(2) + ";");
                    }
                }
            }
            for (String fk : fks) block(post, "fk", "FK CONSTRAINT", fk);
            return new Result(
                    "catalogue",
                    pre.toString().getBytes(StandardCharsets.UTF_8),
                    post.toString().getBytes(StandardCharsets.UTF_8));
        }

        private static void block(StringBuilder sb, String name, String type, String stmt) {
            sb.append("--\n-- Name: ")
                    .append(name.replace('\n', ' '))
                    .append("; Type: ")
                    .append(type)
                    .append("; Schema: -; Owner: -\n--\n\n")
                    .append(stmt)
                    .append("\n\n\n");
        }
    }
}
