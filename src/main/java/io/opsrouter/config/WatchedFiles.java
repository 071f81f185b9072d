package io.opsrouter.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Settings files checked for changes by polling their content (files, or folders whose files count). A change
 * counts once it stayed the same for one more check, so a file caught half-written by an editor is not applied.
 * Polling rather than a file-system watch: it also sees files replaced through bind mounts and ConfigMaps.
 */
public final class WatchedFiles {
    private final List<Path> paths;
    private byte[] applied;
    private byte[] pending;

    /** Starts from the content on disk now, taken as applied. */
    public WatchedFiles(List<Path> paths) {
        this.paths = List.copyOf(paths);
        this.applied = digest();
    }

    /** True once when the content changed and then stayed the same for one more check; that content is then applied. */
    public synchronized boolean changedAndSettled() {
        byte[] now = digest();
        if (Arrays.equals(now, applied)) {
            pending = null;
            return false;
        }
        if (!Arrays.equals(now, pending)) {
            pending = now;
            return false;
        }
        applied = now;
        pending = null;
        return true;
    }

    /** Runs {@code check} every {@code interval} on a daemon thread of its own; null when the interval is zero. */
    public static ScheduledExecutorService every(Duration interval, String threadName, Runnable check) {
        long every = interval.toMillis();
        if (every <= 0) return null;
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        s.scheduleWithFixedDelay(check, every, every, TimeUnit.MILLISECONDS);
        return s;
    }

    private byte[] digest() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.list(p)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) add(md, f);
                } catch (IOException e) {
                    md.update(("unlistable " + p).getBytes(StandardCharsets.UTF_8));
                }
            } else {
                add(md, p);
            }
        }
        return md.digest();
    }

    private static void add(MessageDigest md, Path f) {
        md.update(f.toString().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        try {
            md.update(Files.isRegularFile(f) ? Files.readAllBytes(f) : "(missing)".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            md.update(("unreadable " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
        }
        md.update((byte) 0);
    }
}
