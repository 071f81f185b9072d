package io.opsrouter.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged router run as users run it: {@code java -jar target/ops-router.jar ...} in a child process. */
public final class JarProcess implements AutoCloseable {
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private JarProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("router.jar", "target/ops-router.jar"));
        if (!Files.isRegularFile(jar)) throw new AssertionError(jar + " is missing: run `mvn -B package` first");
        return jar;
    }

    public static JarProcess start(Path home, Map<String, String> env, String... args) {
        try {
            List<String> cmd = new ArrayList<>(
                    List.of(javaBin(), "-jar", jar().toAbsolutePath().toString()));
            cmd.addAll(List.of(args));
            Path out = Files.createTempFile(home, "stdout", ".log");
            Path err = Files.createTempFile(home, "stderr", ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(home.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("ROUTER_") || k.startsWith("TARGET_DB_"));
            pb.environment().putAll(env);
            return new JarProcess(pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS))
            throw new AssertionError("router did not exit within " + seconds + " s");
        return process.exitValue();
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    /** Stops it as a container runtime does: SIGTERM, then waits. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
