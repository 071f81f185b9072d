package io.opsrouter.backup;

import io.opsrouter.app.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Re-reads an archive as restore reads it ({@link ArchiveReader}: signature, names, sizes, schema statements) and
 * recomputes every entry's SHA-256 against its manifest, and the whole file's against the {@code .sha256} sidecar when
 * there is one. The first problem found is named: the entry, or the archive itself.
 */
public final class ArchiveVerifier {
    /** The outcome: ok, or the entry (or "archive") that is wrong and why. */
    public record Report(boolean ok, String entry, String problem, Manifest manifest) {
        public String describe() {
            return ok ? "ok" : entry + ": " + problem;
        }
    }

    private ArchiveVerifier() {}

    /** Checksums, names, sizes and schema statements, without asking for a signature (for an archive this process wrote). */
    public static Report verify(Path archive) {
        return verify(archive, 2, true, ArchiveTrust.UNCHECKED);
    }

    public static Report verify(Path archive, int threads, boolean checkSidecar) {
        return verify(archive, threads, checkSidecar, ArchiveTrust.UNCHECKED);
    }

    /**
     * Checks the archive as restore will read it (signature against {@code trust}, entry names, duplicates, sizes, schema
     * statements), then every entry's bytes, {@code threads} at a time; {@code checkSidecar} also rehashes the whole file
     * against its {@code .sha256} (the backup itself skips that: it has just computed the sidecar from the file on disk).
     */
    public static Report verify(Path archive, int threads, boolean checkSidecar, ArchiveTrust trust) {
        Manifest manifest;
        try (ArchiveReader reader = ArchiveReader.open(archive, trust)) {
            manifest = reader.manifest();
            Report entryProblem = checkAll(reader, manifest, Math.max(1, threads));
            if (entryProblem != null) return entryProblem;
        } catch (ArchiveReader.Refused e) {
            return bad(e.entry, e.problem, null);
        } catch (BackupException e) {
            return bad("archive", e.getMessage(), null);
        } catch (IOException e) {
            return bad("archive", "cannot be read: " + e.getMessage(), null);
        }
        Path side = archive.resolveSibling(archive.getFileName() + ".sha256");
        if (checkSidecar && Files.isRegularFile(side)) {
            try {
                String expected =
                        Files.readString(side, StandardCharsets.UTF_8).trim().split("\\s+")[0];
                String actual = BackupWriter.sha256(archive);
                if (!expected.equalsIgnoreCase(actual)) {
                    return bad(
                            "archive",
                            "SHA-256 " + actual + " differs from " + side.getFileName() + " (" + expected + ")",
                            manifest);
                }
            } catch (IOException e) {
                return bad("archive", "cannot read " + side + ": " + e.getMessage(), manifest);
            }
        }
        return new Report(true, null, null, manifest);
    }

    private static Report checkAll(ArchiveReader zip, Manifest manifest, int threads) {
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(threads, BackupWriter.daemonThreads("verify"));
        try {
            List<java.util.concurrent.Future<String>> results = new ArrayList<>();
            for (Manifest.Entry e : manifest.entries()) results.add(pool.submit(() -> check(zip, e)));
            for (int i = 0; i < results.size(); i++) {
                String problem = results.get(i).get();
                if (problem != null) return bad(manifest.entries().get(i).name(), problem, manifest);
            }
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return bad("archive", "cannot be read: " + Failures.rootMessage(e), manifest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return bad("archive", "verify interrupted", manifest);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String check(ArchiveReader zip, Manifest.Entry e) {
        try (HashingInputStream h = new HashingInputStream(zip.open(e))) {
            byte[] buf = new byte[1 << 16];
            while (h.read(buf, 0, buf.length) >= 0) {
                // hashing as it reads
            }
            if (h.bytes() != e.size()) return "size " + h.bytes() + " differs from the manifest's " + e.size();
            String sha = h.hex();
            if (!sha.equalsIgnoreCase(e.sha256()))
                return "SHA-256 " + sha + " differs from the manifest's " + e.sha256();
            if (e.rows() != null && h.lines() != e.rows())
                return h.lines() + " rows differ from the manifest's " + e.rows();
            return null;
        } catch (IOException | RuntimeException ex) {
            return "cannot be decompressed: " + ex.getMessage();
        }
    }

    private static Report bad(String entry, String problem, Manifest m) {
        return new Report(false, entry, problem, m);
    }

    /** Reads only the manifest (for listing and ordering), or throws naming what is wrong. */
    public static Manifest readManifest(Path archive) {
        try (ZipFile zip = new ZipFile(archive.toFile(), StandardCharsets.UTF_8)) {
            ZipEntry me = zip.getEntry(Manifest.NAME);
            if (me == null) throw new BackupException("corrupt", archive + ": " + Manifest.NAME + " missing");
            try (InputStream in =
                    new SizeLimitedInputStream(zip.getInputStream(me), ArchiveReader.MANIFEST_MAX, Manifest.NAME)) {
                return Json.MAPPER.readValue(in, Manifest.class);
            }
        } catch (IOException e) {
            throw new BackupException("corrupt", archive + ": not a readable backup archive: " + e.getMessage(), e);
        }
    }

    static List<String> names(Manifest m) {
        List<String> out = new ArrayList<>();
        for (Manifest.Entry e : m.entries()) out.add(e.name());
        return out;
    }
}
