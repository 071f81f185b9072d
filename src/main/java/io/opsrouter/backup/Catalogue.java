package io.opsrouter.backup;

import io.opsrouter.store.Sql;
import io.opsrouter.store.StateStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The backup catalogue in the state store (table {@code backup_catalogue}, migration V30). */
public final class Catalogue {
    /** One catalogue row; {@code snapshotAt} is the manifest's time, by which everything is ordered. */
    public record Row(
            String id,
            BackupType type,
            String status,
            Instant startedAt,
            Instant finishedAt,
            Instant snapshotAt,
            Long sizeBytes,
            String sha256,
            boolean verified,
            Long rows,
            String path,
            String error,
            Instant deletedAt) {
        public boolean good() {
            return "ok".equals(status) && verified && deletedAt == null;
        }
    }

    private final StateStore store;

    public Catalogue(StateStore store) {
        this.store = store;
    }

    public void record(Row r) {
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO backup_catalogue (id, backup_type, status, started_at, finished_at, "
                            + "snapshot_at, size_bytes, sha256, verified, rows_total, path, error) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, r.id());
                ps.setString(2, r.type().label());
                ps.setString(3, r.status());
                ps.setObject(4, Sql.ts(r.startedAt()));
                ps.setObject(5, Sql.ts(r.finishedAt()));
                ps.setObject(6, Sql.ts(r.snapshotAt()));
                ps.setObject(7, r.sizeBytes());
                ps.setString(8, r.sha256());
                ps.setBoolean(9, r.verified());
                ps.setObject(10, r.rows());
                ps.setString(11, r.path());
                ps.setString(
                        12,
                        r.error() == null
                                ? null
                                : r.error().length() > 2000 ? r.error().substring(0, 2000) : r.error());
                return ps.executeUpdate();
            }
        });
    }

    public void markDeleted(String id, Instant at) {
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE backup_catalogue SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL")) {
                ps.setObject(1, Sql.ts(at));
                ps.setString(2, id);
                return ps.executeUpdate();
            }
        });
    }

    /** Every row, newest snapshot first. */
    public List<Row> list() {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT id, backup_type, status, started_at, finished_at, snapshot_at, size_bytes, "
                                    + "sha256, verified, rows_total, path, error, deleted_at FROM backup_catalogue "
                                    + "ORDER BY COALESCE(snapshot_at, started_at) DESC, id DESC");
                    ResultSet rs = ps.executeQuery()) {
                List<Row> out = new ArrayList<>();
                while (rs.next()) out.add(row(rs));
                return out;
            }
        });
    }

    public Optional<Row> lastGood(BackupType type) {
        return list().stream().filter(r -> r.type() == type && r.good()).findFirst();
    }

    /** The newest good backup holding the database (full or incremental): incrementals take changes since its snapshot. */
    public Optional<Row> lastGoodDatabase() {
        return list().stream().filter(r -> r.type().hasDatabase() && r.good()).findFirst();
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(
                rs.getString(1),
                BackupType.parse(rs.getString(2)),
                rs.getString(3),
                Sql.instant(rs, 4),
                Sql.instant(rs, 5),
                Sql.instant(rs, 6),
                (Long) rs.getObject(7, Long.class),
                rs.getString(8),
                rs.getBoolean(9),
                (Long) rs.getObject(10, Long.class),
                rs.getString(11),
                rs.getString(12),
                Sql.instant(rs, 13));
    }
}
