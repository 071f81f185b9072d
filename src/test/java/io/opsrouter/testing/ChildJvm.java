package io.opsrouter.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a main class of this project in a separate JVM (own heap limit, own file-size limit), capturing its output. */
public final class ChildJvm {
    public record Result(int exit, String stdout, String stderr) {
        public long value(String key) {
            return stdout.lines()
                    .filter(l -> l.startsWith(key + "="))
                    .map(l -> Long.parseLong(l.substring(key.length() + 1)))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + key + " in " + stdout + "\n" + stderr));
        }
    }

    private ChildJvm() {}

    public static Result run(
            List<String> jvmArgs, String mainClass, List<String> args, Map<String, String> env, Long fileSizeLimitKb)
            throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        List<String> full = cmd;
        if (fileSizeLimitKb != null) {
            full = new ArrayList<>(List.of("bash", "-c", "ulimit -f " + fileSizeLimitKb + " && exec \"$@\"", "child"));
            full.addAll(cmd);
        }
        ProcessBuilder pb = new ProcessBuilder(full);
        pb.environment().putAll(env);
        Path out = java.nio.file.Files.createTempFile("child", ".out");
        Path err = java.nio.file.Files.createTempFile("child", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not finish: " + cmd);
        }
        try {
            return new Result(
                    p.exitValue(),
                    java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                    java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            java.nio.file.Files.deleteIfExists(out);
            java.nio.file.Files.deleteIfExists(err);
        }
    }

    public static void checkClasspath() throws IOException {
        String cp = System.getProperty("java.class.path");
        if (!cp.contains("commons-compress") || !cp.contains("test-classes")) {
            throw new AssertionError("the test JVM's class path is not the project's: " + cp);
        }
    }
}
