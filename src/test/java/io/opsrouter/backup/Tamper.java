package io.opsrouter.backup;

import io.opsrouter.app.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;

/** Rewrites a real archive as an attacker would: entries changed or added, the manifest's sizes and SHA-256 recomputed, signed or not. */
final class Tamper {
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private final List<String> extraZipNames = new ArrayList<>();
    private Manifest manifest;

    static Tamper of(Path archive) throws IOException {
        Tamper t = new Tamper();
        try (ZipFile z = ZipFile.builder().setPath(archive).get()) {
            for (ZipArchiveEntry e : Collections.list(z.getEntries())) {
                try (InputStream in = z.getInputStream(e)) {
                    byte[] data = in.readAllBytes();
                    if (e.getName().equals(Manifest.NAME)) t.manifest = Json.MAPPER.readValue(data, Manifest.class);
                    else if (!e.getName().equals(ArchiveSigning.ENTRY)) t.entries.put(e.getName(), data);
                }
            }
        }
        return t;
    }

    byte[] get(String name) {
        return entries.get(name);
    }

    /** Puts an entry and lists it in the manifest with its true size and SHA-256. */
    Tamper put(String name, byte[] data) {
        entries.put(name, data);
        List<Manifest.Entry> listed = new ArrayList<>(
                manifest.entries().stream().filter(e -> !e.name().equals(name)).toList());
        listed.add(new Manifest.Entry(name, data.length, sha(data), null));
        manifest = withEntries(manifest, listed);
        return this;
    }

    /** Puts an entry's bytes without touching the manifest. */
    Tamper putUnlisted(String name, byte[] data) {
        entries.put(name, data);
        return this;
    }

    /** Writes this name a second time in the zip (same bytes as its first). */
    Tamper duplicateInZip(String name) {
        extraZipNames.add(name);
        return this;
    }

    Tamper manifest(UnaryOperator<Manifest> edit) {
        manifest = edit.apply(manifest);
        return this;
    }

    Manifest manifest() {
        return manifest;
    }

    Path write(Path out, ArchiveSigning signing) throws IOException {
        try (ZipArchiveOutputStream zos = new ZipArchiveOutputStream(out.toFile())) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) add(zos, e.getKey(), e.getValue());
            for (String n : extraZipNames) add(zos, n, entries.get(n));
            byte[] m = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
            add(zos, Manifest.NAME, m);
            if (signing != null)
                add(zos, ArchiveSigning.ENTRY, signing.sign(m).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void add(ZipArchiveOutputStream zos, String name, byte[] data) throws IOException {
        ZipArchiveEntry e = new ZipArchiveEntry(name);
        e.setMethod(ZipArchiveEntry.DEFLATED);
        zos.putArchiveEntry(e);
        zos.write(data);
        zos.closeArchiveEntry();
    }

    static String sha(byte[] data) {
        var md = HashingInputStream.sha256();
        return java.util.HexFormat.of().formatHex(md.digest(data));
    }

    static Manifest withEntries(Manifest m, List<Manifest.Entry> entries) {
        return new Manifest(
                m.format(),
                m.type(),
                m.createdAt(),
                m.finishedAt(),
                m.routerVersion(),
                m.postgresVersion(),
                m.database(),
                m.snapshotId(),
                m.since(),
                m.base(),
                m.schemaSource(),
                m.tables(),
                m.sequences(),
                m.extensions(),
                m.missingPaths(),
                entries);
    }

    static Manifest withTables(Manifest m, List<Manifest.TableInfo> tables) {
        return new Manifest(
                m.format(),
                m.type(),
                m.createdAt(),
                m.finishedAt(),
                m.routerVersion(),
                m.postgresVersion(),
                m.database(),
                m.snapshotId(),
                m.since(),
                m.base(),
                m.schemaSource(),
                tables,
                m.sequences(),
                m.extensions(),
                m.missingPaths(),
                m.entries());
    }
}
