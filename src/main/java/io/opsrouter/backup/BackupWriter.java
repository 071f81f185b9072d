package io.opsrouter.backup;

import io.opsrouter.app.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.DefaultBackingStoreSupplier;
import org.apache.commons.compress.archivers.zip.ParallelScatterZipCreator;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one backup archive: the database export and the folders, compressed in parallel as they stream
 * (each worker deflates into a scratch file, merged into the zip without recompressing), then {@code manifest.json}.
 * The archive is written under a hidden temporary name, fsynced and renamed; its {@code .sha256} sidecar likewise.
 * On any failure nothing that looks like an archive is left behind.
 */
public final class BackupWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BackupWriter.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** What a finished backup produced. */
    public record Result(Path archive, Manifest manifest, long sizeBytes, String sha256) {}

    private final BackupSettings settings;
    private final SourceDb db;
    private final SecretMasker masker;
    private final Clock clock;
    private final String routerVersion;
    private final ArchiveSigning signing;

    /** A writer of unsigned archives (verify and restore then need --accept-unsigned). */
    public BackupWriter(BackupSettings settings, SourceDb db, SecretMasker masker, Clock clock, String routerVersion) {
        this(settings, db, masker, clock, routerVersion, null);
    }

    /** {@code signing}: the key that signs each archive's manifest; null writes unsigned archives. */
    public BackupWriter(
            BackupSettings settings,
            SourceDb db,
            SecretMasker masker,
            Clock clock,
            String routerVersion,
            ArchiveSigning signing) {
        this.signing = signing;
        this.settings = settings;
        this.db = db;
        this.masker = masker;
        this.clock = clock;
        this.routerVersion = routerVersion;
    }

    /**
     * Takes one backup. For an incremental, {@code base} is the snapshot time of the backup it follows; rows changed
     * since then (less the configured overlap) are taken (null: every table whole).
     */
    public Result write(BackupType type, Instant base) {
        Instant since = base == null ? null : base.minus(settings.changeOverlap());
        Path out = settings.output();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw Failures.fromIo(e, "cannot create the backup folder " + out);
        }
        Instant started = clock.instant();
        String name = uniqueName(out, type, started);
        Path archive = out.resolve(name);
        Path tmp = out.resolve("." + name + ".partial");
        Path scratch = out.resolve("." + name + ".scratch");
        ExecutorService pool =
                Executors.newFixedThreadPool(settings.workers(), daemonThreads("backup-" + type.label()));
        AtomicBoolean aborted = new AtomicBoolean();
        Map<String, Manifest.Entry> entries = new ConcurrentHashMap<>();
        List<String> expected = new ArrayList<>();
        try {
            Files.createDirectories(scratch);
            ParallelScatterZipCreator creator = new ParallelScatterZipCreator(
                    pool, new DefaultBackingStoreSupplier(scratch), settings.deflateLevel());
            Manifest manifest;
            DbSnapshot snap = null;
            try {
                List<Manifest.TableInfo> tables = List.of();
                List<Manifest.SequenceInfo> sequences = List.of();
                List<Manifest.ExtensionInfo> extensions = List.of();
                String snapshotId = null;
                String pgVersion = null;
                String schemaSource = null;
                Instant createdAt = started;
                Instant effectiveSince = type == BackupType.INCREMENTAL ? since : null;
                if (type.hasDatabase()) {
                    snap = DbSnapshot.open(db, settings.workers(), settings.lockTimeout());
                    snapshotId = snap.snapshotId();
                    pgVersion = snap.serverVersion();
                    createdAt = snap.snapshotTime();
                    List<DbSnapshot.Table> dbTables = snap.tables(settings);
                    sequences = snap.sequences(settings);
                    extensions = snap.extensions();
                    SchemaDump.Result schema = SchemaDump.take(snap, db, settings, dbTables);
                    schemaSource = schema.source();
                    addBytes(creator, "schema/pre-data.sql", schema.preData(), entries, expected);
                    addBytes(creator, "schema/post-data.sql", schema.postData(), entries, expected);
                    tables = addTables(creator, snap, dbTables, type, effectiveSince, entries, expected, aborted);
                }
                FolderFiles.Listing listing =
                        FolderFiles.list(settings.folders(), type, clock.instant(), effectiveSince);
                for (String m : listing.missing())
                    LOG.warn("backup {}: folder not found, skipped: {}", type.label(), m);
                for (FolderFiles.File f : listing.files()) {
                    expected.add(f.entryName());
                    creator.addArchiveEntry(
                            entry(f.entryName()),
                            () -> new EntryStream(
                                    () -> FolderFiles.open(f, masker),
                                    h -> entries.put(
                                            f.entryName(),
                                            new Manifest.Entry(f.entryName(), h.bytes(), h.hex(), null))));
                }
                try (FileChannel ch = FileChannel.open(
                                tmp,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.TRUNCATE_EXISTING,
                                StandardOpenOption.WRITE);
                        ZipArchiveOutputStream zos = new ZipArchiveOutputStream(ch)) {
                    zos.setUseZip64(Zip64Mode.AsNeeded);
                    zos.setLevel(settings.deflateLevel());
                    creator.writeTo(zos);
                    for (String e : expected) {
                        if (!entries.containsKey(e))
                            throw new BackupException("io", "entry " + e + " was not read to its end");
                    }
                    List<Manifest.TableInfo> counted =
                            tables.stream().map(t -> withRows(t, entries)).toList();
                    List<Manifest.Entry> listed = expected.stream()
                            .map(entries::get)
                            .sorted(Comparator.comparing(Manifest.Entry::name))
                            .toList();
                    manifest = new Manifest(
                            Manifest.FORMAT,
                            type.label(),
                            createdAt,
                            clock.instant(),
                            routerVersion,
                            pgVersion,
                            type.hasDatabase() ? db.database() : null,
                            snapshotId,
                            effectiveSince,
                            type == BackupType.INCREMENTAL ? base : null,
                            schemaSource,
                            counted,
                            sequences,
                            extensions,
                            listing.missing(),
                            listed);
                    ZipArchiveEntry me = entry(Manifest.NAME);
                    zos.putArchiveEntry(me);
                    byte[] manifestBytes =
                            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
                    zos.write(manifestBytes);
                    zos.closeArchiveEntry();
                    if (signing != null) {
                        zos.putArchiveEntry(entry(ArchiveSigning.ENTRY));
                        zos.write(signing.sign(manifestBytes).getBytes(StandardCharsets.UTF_8));
                        zos.closeArchiveEntry();
                    }
                    zos.finish();
                    ch.force(true);
                }
            } finally {
                aborted.set(true);
                if (snap != null) snap.close();
            }
            Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE);
            String sha;
            long size;
            try {
                sha = sha256(archive);
                writeSidecar(archive, sha);
                syncDir(out);
                size = Files.size(archive);
            } catch (IOException | RuntimeException e) {
                deleteQuietly(archive);
                deleteQuietly(archive.resolveSibling("." + archive.getFileName() + ".sha256.partial"));
                throw e;
            }
            LOG.info("backup {} written: {} ({} bytes, {} rows)", type.label(), archive, size, manifest.totalRows());
            return new Result(archive, manifest, size, sha);
        } catch (BackupException e) {
            throw e;
        } catch (ExecutionException | IOException | RuntimeException e) {
            BackupException clear = Failures.find(e);
            if (clear != null) throw clear;
            if (e instanceof IOException io)
                throw Failures.fromIo(io, "backup " + type.label() + " failed writing " + tmp);
            IOException io = findIo(e);
            if (io != null) throw Failures.fromIo(io, "backup " + type.label() + " failed");
            throw new BackupException("io", "backup " + type.label() + " failed: " + Failures.rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException("io", "backup " + type.label() + " interrupted");
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteQuietly(tmp);
            deleteTree(scratch);
        }
    }

    private List<Manifest.TableInfo> addTables(
            ParallelScatterZipCreator creator,
            DbSnapshot snap,
            List<DbSnapshot.Table> tables,
            BackupType type,
            Instant since,
            Map<String, Manifest.Entry> entries,
            List<String> expected,
            AtomicBoolean aborted) {
        List<Manifest.TableInfo> infos = new ArrayList<>();
        for (DbSnapshot.Table t : tables) {
            String changeCol = type == BackupType.INCREMENTAL && since != null
                    ? settings.changeColumn(t.schema(), t.name())
                    : null;
            if (changeCol != null && !t.columns().contains(changeCol)) {
                throw new BackupException(
                        "settings",
                        BackupSettings.FILE + ": changeColumns." + t.label() + ": table " + t.label()
                                + " has no column " + changeCol + " (fix: name one of " + t.columns() + ")");
            }
            if (changeCol != null && t.primaryKey().isEmpty()) {
                throw new BackupException(
                        "settings",
                        BackupSettings.FILE + ": changeColumns." + t.label() + ": table " + t.label()
                                + " has no primary key, so changed rows cannot be merged on restore (fix: add a primary key or remove the entry)");
            }
            String where = changeCol == null
                    ? null
                    : Sql.ident(changeCol) + " >= " + Sql.literal(since.toString()) + "::timestamptz";
            int parts =
                    (int) Math.max(1, Math.min(4096, (t.bytes() + settings.splitBytes() - 1) / settings.splitBytes()));
            long per = parts == 1 ? 0 : (t.blocks() + parts - 1) / parts;
            List<String> partNames = new ArrayList<>();
            for (int i = 0; i < parts; i++) {
                List<String> conds = new ArrayList<>();
                if (where != null) conds.add(where);
                if (parts > 1) {
                    if (i > 0) conds.add("ctid >= '(" + (i * per) + ",0)'::tid");
                    if (i < parts - 1) conds.add("ctid < '(" + ((i + 1) * per) + ",0)'::tid");
                }
                String select = "SELECT " + Sql.columns(t.columns()) + " FROM ONLY " + t.qualified()
                        + (conds.isEmpty() ? "" : " WHERE " + String.join(" AND ", conds));
                String sql = "COPY (" + select + ") TO STDOUT";
                String entryName = "data/" + safe(t.schema()) + "." + safe(t.name()) + "/"
                        + String.format("%04d", i + 1) + ".copy";
                String what = t.label() + (parts > 1 ? " part " + (i + 1) + "/" + parts : "");
                partNames.add(entryName);
                expected.add(entryName);
                creator.addArchiveEntry(
                        entry(entryName),
                        () -> new CopyOutStream(
                                snap.workers(),
                                sql,
                                what,
                                aborted,
                                h -> entries.put(
                                        entryName, new Manifest.Entry(entryName, h.bytes(), h.hex(), h.lines()))));
            }
            infos.add(new Manifest.TableInfo(
                    t.schema(),
                    t.name(),
                    t.columns(),
                    t.primaryKey(),
                    changeCol == null ? "whole" : "changes",
                    changeCol,
                    0,
                    partNames));
        }
        return infos;
    }

    private static Manifest.TableInfo withRows(Manifest.TableInfo t, Map<String, Manifest.Entry> entries) {
        long rows = t.parts().stream().mapToLong(p -> entries.get(p).rows()).sum();
        return new Manifest.TableInfo(
                t.schema(), t.name(), t.columns(), t.primaryKey(), t.mode(), t.changeColumn(), rows, t.parts());
    }

    private static void addBytes(
            ParallelScatterZipCreator creator,
            String name,
            byte[] data,
            Map<String, Manifest.Entry> entries,
            List<String> expected) {
        expected.add(name);
        creator.addArchiveEntry(
                entry(name),
                () -> new EntryStream(
                        () -> new ByteArrayInputStream(data),
                        h -> entries.put(name, new Manifest.Entry(name, h.bytes(), h.hex(), null))));
    }

    private static ZipArchiveEntry entry(String name) {
        ZipArchiveEntry e = new ZipArchiveEntry(name);
        e.setMethod(ZipArchiveEntry.DEFLATED);
        return e;
    }

    static String safe(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')
                sb.append(c);
            else sb.append('%').append(String.format("%02X", b & 0xff));
        }
        return sb.toString();
    }

    private static String uniqueName(Path out, BackupType type, Instant at) {
        String base = type.label() + "-" + STAMP.format(at);
        String name = base + ".zip";
        for (int i = 1; Files.exists(out.resolve(name)); i++) name = base + "-" + i + ".zip";
        return name;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new HashingInputStream(Files.newInputStream(file))) {
            HashingInputStream h = (HashingInputStream) in;
            byte[] buf = new byte[1 << 16];
            while (h.read(buf, 0, buf.length) >= 0) {
                // hashing as it reads
            }
            return h.hex();
        }
    }

    private static void writeSidecar(Path archive, String sha) throws IOException {
        Path side = archive.resolveSibling(archive.getFileName() + ".sha256");
        Path tmp = archive.resolveSibling("." + archive.getFileName() + ".sha256.partial");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(
                    (sha + "  " + archive.getFileName() + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, side, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void syncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync folder {}: {}", dir, e.getMessage());
        }
    }

    private static IOException findIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof IOException io) return io;
        return null;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", p, e.getMessage());
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(BackupWriter::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("cannot clean {}: {}", dir, e.getMessage());
        }
    }

    static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
