package io.opsrouter.backup;

import io.opsrouter.app.Json;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * An archive opened the one way verify and restore both read it: the signature checked against the trust asked for,
 * every entry name and size checked against the manifest before a byte of it is read, the schema scripts read within
 * their limits, hashed and held to the statement allow-list. Entries are then read as streams that stop at the size
 * the manifest lists. Every refusal is a {@link Refused} naming the entry.
 */
final class ArchiveReader implements Closeable {
    static final long MANIFEST_MAX = 16L << 20;
    static final long SIGNATURE_MAX = 1024;
    static final long SCHEMA_MAX = 64L << 20;
    static final long ENTRY_MAX = 1L << 40;
    static final String PRE_DATA = "schema/pre-data.sql";
    static final String POST_DATA = "schema/post-data.sql";

    /** A refusal: the entry (or "archive") it is about and what is wrong. */
    static final class Refused extends BackupException {
        final String entry;
        final String problem;

        Refused(String reason, String entry, String problem) {
            super(reason, entry + ": " + problem);
            this.entry = entry;
            this.problem = problem;
        }
    }

    private final Path path;
    private final ZipFile zip;
    private final Manifest manifest;
    private final boolean signed;
    private final Map<String, Manifest.Entry> entries = new LinkedHashMap<>();
    private SchemaScript pre;
    private SchemaScript post;

    private ArchiveReader(Path path, ZipFile zip, Manifest manifest, boolean signed) {
        this.path = path;
        this.zip = zip;
        this.manifest = manifest;
        this.signed = signed;
    }

    static ArchiveReader open(Path archive, ArchiveTrust trust) {
        if (!Files.isRegularFile(archive)) throw new Refused("corrupt", "archive", "no such file " + archive);
        ZipFile zip;
        try {
            zip = new ZipFile(archive.toFile(), StandardCharsets.UTF_8);
        } catch (ZipException e) {
            throw new Refused("corrupt", "archive", "not a complete zip (cut short or damaged): " + e.getMessage());
        } catch (IOException e) {
            throw new Refused("corrupt", "archive", "cannot be read: " + e.getMessage());
        }
        try {
            ArchiveReader r = check(archive, zip, trust);
            r.readSchemas();
            return r;
        } catch (RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    private static ArchiveReader check(Path archive, ZipFile zip, ArchiveTrust trust) {
        Map<String, ZipEntry> inZip = new HashMap<>();
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            ZipEntry ze = en.nextElement();
            String problem = EntryNames.problem(ze.getName());
            if (problem != null) throw new Refused("corrupt", printable(ze.getName()), problem);
            if (inZip.put(ze.getName(), ze) != null)
                throw new Refused("corrupt", ze.getName(), "appears twice in the archive");
        }
        ZipEntry me = inZip.get(Manifest.NAME);
        if (me == null)
            throw new Refused("corrupt", Manifest.NAME, "missing: the archive was not finished by ops-router");
        byte[] manifestBytes = readSmall(zip, me, MANIFEST_MAX);
        ZipEntry se = inZip.get(ArchiveSigning.ENTRY);
        boolean signed = checkSignature(
                trust,
                manifestBytes,
                se == null ? null : new String(readSmall(zip, se, SIGNATURE_MAX), StandardCharsets.UTF_8));
        Manifest m;
        try {
            m = Json.MAPPER.readValue(manifestBytes, Manifest.class);
        } catch (IOException e) {
            throw new Refused(
                    "corrupt", Manifest.NAME, "unreadable: " + e.getMessage().split("\n")[0]);
        }
        if (m.entries() == null) throw new Refused("corrupt", Manifest.NAME, "lists no entries");
        if (m.tables() == null || m.sequences() == null || m.type() == null) {
            throw new Refused(
                    "corrupt", Manifest.NAME, "lacks its type, tables or sequences: not written by ops-router");
        }
        ArchiveReader r = new ArchiveReader(archive, zip, m, signed);
        for (Manifest.Entry e : m.entries()) {
            if (e == null || e.name() == null)
                throw new Refused("corrupt", Manifest.NAME, "lists an entry without a name");
            String problem = EntryNames.problem(e.name());
            if (problem != null) throw new Refused("corrupt", printable(e.name()), problem);
            if (e.name().equals(Manifest.NAME) || e.name().equals(ArchiveSigning.ENTRY)) {
                throw new Refused(
                        "corrupt", e.name(), "is listed in the manifest, which lists only the entries it covers");
            }
            if (r.entries.put(e.name(), e) != null)
                throw new Refused("corrupt", e.name(), "is listed twice in the manifest");
            long cap = e.name().startsWith("schema/") ? SCHEMA_MAX : ENTRY_MAX;
            if (e.size() < 0 || e.size() > cap) {
                throw new Refused(
                        "corrupt",
                        e.name(),
                        "the manifest says " + e.size() + " bytes; an entry of this kind holds at most " + cap);
            }
            if (e.sha256() == null || !e.sha256().matches("[0-9a-fA-F]{64}"))
                throw new Refused("corrupt", e.name(), "has no SHA-256 in the manifest");
            ZipEntry ze = inZip.get(e.name());
            if (ze == null)
                throw new Refused("corrupt", e.name(), "listed in the manifest but missing from the archive");
            if (ze.getSize() >= 0 && ze.getSize() != e.size()) {
                throw new Refused(
                        "corrupt", e.name(), "the zip says " + ze.getSize() + " bytes, the manifest " + e.size());
            }
        }
        for (String n : inZip.keySet()) {
            if (!n.equals(Manifest.NAME) && !n.equals(ArchiveSigning.ENTRY) && !r.entries.containsKey(n)) {
                throw new Refused("corrupt", n, "in the archive but not in the manifest");
            }
        }
        for (Manifest.TableInfo t : m.tables()) {
            if (t == null
                    || t.schema() == null
                    || t.name() == null
                    || t.columns() == null
                    || t.columns().isEmpty()
                    || t.parts() == null
                    || t.mode() == null
                    || t.primaryKey() == null) {
                throw new Refused(
                        "corrupt",
                        Manifest.NAME,
                        "lists a table without its schema, name, columns, key, mode or parts");
            }
            for (String p : t.parts()) {
                if (!r.entries.containsKey(p))
                    throw new Refused("corrupt", p, "a part of " + t.label() + " not listed in the manifest");
            }
        }
        for (Manifest.ExtensionInfo x :
                m.extensions() == null ? java.util.List.<Manifest.ExtensionInfo>of() : m.extensions()) {
            if (x.name() != null
                    && SchemaAllowList.DENIED_EXTENSIONS.contains(x.name().toLowerCase(java.util.Locale.ROOT))) {
                throw new Refused(
                        "forbidden",
                        Manifest.NAME,
                        "lists extension " + x.name() + ", which reaches the server's files, programs "
                                + "or other servers; a restore never creates it");
            }
        }
        return r;
    }

    /** True when signed with the trusted key; throws when the trust asked for is not met. */
    private static boolean checkSignature(ArchiveTrust trust, byte[] manifest, String signature) {
        if (trust.signing() != null && signature != null && trust.signing().matches(manifest, signature)) return true;
        if (trust.acceptUnsigned()) return false;
        String fix = " (fix: set " + ArchiveSigning.ENV
                + " to the key the backups are signed with, or pass --accept-unsigned to trust an "
                + "archive anyone who could write it may have changed)";
        if (signature == null)
            throw new Refused("untrusted", ArchiveSigning.ENTRY, "missing: the archive is not signed" + fix);
        if (trust.signing() == null) {
            throw new Refused(
                    "untrusted",
                    ArchiveSigning.ENTRY,
                    "cannot be checked: " + ArchiveSigning.ENV + " is not set" + fix);
        }
        throw new Refused(
                "untrusted",
                ArchiveSigning.ENTRY,
                "does not match the manifest: it was changed after signing, or signed with " + "another key" + fix);
    }

    private void readSchemas() {
        if (entries.containsKey(PRE_DATA)) pre = schema(PRE_DATA);
        if (entries.containsKey(POST_DATA)) post = schema(POST_DATA);
    }

    private SchemaScript schema(String name) {
        Manifest.Entry e = entries.get(name);
        try (HashingInputStream in = new HashingInputStream(open(e))) {
            byte[] data = in.readAllBytes();
            if (!in.hex().equalsIgnoreCase(e.sha256()))
                throw new Refused("corrupt", name, "SHA-256 differs from the manifest");
            SchemaScript script = SchemaScript.parse(new String(data, StandardCharsets.UTF_8));
            SchemaAllowList.check(name, script);
            return script;
        } catch (IOException ex) {
            throw new Refused("corrupt", name, "cannot be decompressed: " + ex.getMessage());
        }
    }

    /** The entry's bytes, refused (IOException) past the size the manifest lists for it. */
    InputStream open(Manifest.Entry e) throws IOException {
        ZipEntry ze = zip.getEntry(e.name());
        if (ze == null) throw new Refused("corrupt", e.name(), "listed in the manifest but missing from the archive");
        return new SizeLimitedInputStream(zip.getInputStream(ze), e.size(), e.name());
    }

    Manifest.Entry entry(String name) {
        Manifest.Entry e = entries.get(name);
        if (e == null) throw new Refused("corrupt", name, "not listed in the manifest");
        return e;
    }

    Manifest manifest() {
        return manifest;
    }

    boolean signed() {
        return signed;
    }

    Path path() {
        return path;
    }
    /** The schema scripts, already checked (null in an archive without a database). */
    SchemaScript preData() {
        return pre;
    }

    SchemaScript postData() {
        return post;
    }

    private static byte[] readSmall(ZipFile zip, ZipEntry ze, long max) {
        if (ze.getSize() > max)
            throw new Refused(
                    "corrupt", ze.getName(), "the zip says " + ze.getSize() + " bytes; it may hold at most " + max);
        try (InputStream in = new SizeLimitedInputStream(zip.getInputStream(ze), max, ze.getName())) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new Refused("corrupt", ze.getName(), "cannot be read: " + e.getMessage());
        }
    }

    private static String printable(String name) {
        return name.replaceAll("[\\p{Cntrl}]", "?");
    }

    private static void closeQuietly(ZipFile z) {
        try {
            z.close();
        } catch (IOException ignored) {
            // the archive was refused; closing is best effort
        }
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    /** Entry names an archive may hold: no parent or absolute paths, nothing outside the layout a backup writes. */
    static final class EntryNames {
        private static final java.util.regex.Pattern LAYOUT =
                java.util.regex.Pattern.compile("data/[^/]+/[0-9]{4,}\\.copy|files/[^/]+/.+");
        private static final java.util.regex.Pattern DRIVE = java.util.regex.Pattern.compile("^[A-Za-z]:");
        private static final Set<String> FIXED =
                new HashSet<>(java.util.List.of(Manifest.NAME, ArchiveSigning.ENTRY, PRE_DATA, POST_DATA));

        private EntryNames() {}

        static String problem(String name) {
            if (name.isEmpty()) return "an empty entry name";
            if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) return "the entry name holds control characters";
            if (name.startsWith("/")
                    || name.contains("\\")
                    || DRIVE.matcher(name).find()) return "an absolute or Windows path as entry name";
            for (String seg : name.split("/", -1)) {
                if (seg.isEmpty() || seg.equals(".") || seg.equals(".."))
                    return "the entry name holds an empty, '.' or '..' part (a path out of the restore)";
            }
            if (FIXED.contains(name) || LAYOUT.matcher(name).matches()) return null;
            return "not an entry a backup writes";
        }
    }
}
