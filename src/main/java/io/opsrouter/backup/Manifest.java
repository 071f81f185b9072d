package io.opsrouter.backup;

import java.time.Instant;
import java.util.List;

/**
 * The {@code manifest.json} entry of an archive: what was backed up, from which snapshot, and every other entry's
 * size, SHA-256 and (for table data) row count. Verify and restore trust nothing in the archive that is not listed here.
 *
 * @param createdAt  when the backup's snapshot was taken (retention and incremental chains order by this, never by file name)
 * @param since      for an incremental: rows changed at or after this time are in it; null otherwise
 * @param base       for an incremental: the snapshot time of the backup it follows (its changes start there, less an overlap)
 */
public record Manifest(
        int format,
        String type,
        Instant createdAt,
        Instant finishedAt,
        String routerVersion,
        String postgresVersion,
        String database,
        String snapshotId,
        Instant since,
        Instant base,
        String schemaSource,
        List<TableInfo> tables,
        List<SequenceInfo> sequences,
        List<ExtensionInfo> extensions,
        List<String> missingPaths,
        List<Entry> entries) {

    public static final String NAME = "manifest.json";
    public static final int FORMAT = 1;

    /** One archive entry: uncompressed size, SHA-256 of the uncompressed bytes, rows when it is table data. */
    public record Entry(String name, long size, String sha256, Long rows) {}

    /**
     * One table: its columns in COPY order, primary key, whether the archive holds it whole or only changed rows,
     * and the data entries (parts) that together hold its rows.
     */
    public record TableInfo(
            String schema,
            String name,
            List<String> columns,
            List<String> primaryKey,
            String mode,
            String changeColumn,
            long rows,
            List<String> parts) {
        public String qualified() {
            return Sql.ident(schema) + "." + Sql.ident(name);
        }

        public String label() {
            return schema + "." + name;
        }
    }

    public record SequenceInfo(String schema, String name, long lastValue, boolean isCalled) {}

    /** An extension the source had: restore creates it (in its schema) before the tables that may use its types. */
    public record ExtensionInfo(String name, String schema) {}

    public BackupType backupType() {
        return BackupType.parse(type);
    }

    public long totalRows() {
        return tables == null ? 0 : tables.stream().mapToLong(TableInfo::rows).sum();
    }
}
