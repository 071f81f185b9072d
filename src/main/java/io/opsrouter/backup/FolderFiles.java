package io.opsrouter.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The files of the configured folders that go into a backup, and the folders that do not exist. */
final class FolderFiles {
    record File(FolderSpec folder, Path path, String entryName) {}

    record Listing(List<File> files, List<String> missing) {}

    private FolderFiles() {}

    static Listing list(List<FolderSpec> folders, BackupType type, Instant now, Instant changedSince) {
        List<File> files = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (FolderSpec f : folders) {
            if (!f.types().contains(type)) continue;
            if (!Files.isDirectory(f.path())) {
                missing.add(f.name() + ": " + f.path());
                continue;
            }
            List<PathMatcher> excludes = f.exclude().stream()
                    .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
                    .toList();
            try (Stream<Path> walk = Files.walk(f.path())) {
                Path root = f.path().toRealPath();
                for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                    if (!Files.isRegularFile(p)) continue;
                    Path rel = f.path().relativize(p);
                    if (Files.isSymbolicLink(p) && !p.toRealPath().startsWith(root)) {
                        missing.add(f.name() + ": " + rel + " is a link out of " + f.path() + ", not followed");
                        continue;
                    }
                    if (excludes.stream().anyMatch(m -> m.matches(rel))) continue;
                    Instant modified = Files.getLastModifiedTime(p).toInstant();
                    if (f.maxAgeDays() > 0 && modified.isBefore(now.minus(Duration.ofDays(f.maxAgeDays())))) continue;
                    if (type == BackupType.INCREMENTAL && changedSince != null && modified.isBefore(changedSince))
                        continue;
                    files.add(new File(
                            f, p, "files/" + f.name() + "/" + rel.toString().replace('\\', '/')));
                }
            } catch (IOException e) {
                missing.add(f.name() + ": " + f.path() + " (" + e.getMessage() + ")");
            }
        }
        return new Listing(files, missing);
    }

    /** The file's bytes, masked when its folder says so (or it is a log file) and the file is text. */
    static InputStream open(File f, SecretMasker masker) throws IOException {
        if ((f.folder().mask() || isLog(f.path())) && isText(f.path()))
            return masker.mask(Files.newInputStream(f.path()));
        return Files.newInputStream(f.path());
    }

    private static boolean isLog(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".log") || n.matches(".*\\.log\\.[0-9]+") || n.endsWith(".jsonl");
    }

    private static boolean isText(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] head = in.readNBytes(8192);
            for (byte b : head) if (b == 0) return false;
            return true;
        }
    }
}
