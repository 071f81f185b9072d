package io.opsrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The package step leaves an AppCDS archive beside the jar that this JVM can map: -Xshare:on refuses to start when the
 * archive does not match the jar and the JVM, so a stale or broken archive fails here instead of silently costing
 * start-up time.
 */
class CdsArchiveIT {
    @Test
    void thePackagedJarStartsWithItsClassDataArchive() throws Exception {
        Path jar = Path.of(System.getProperty("router.jar", "target/ops-router.jar"))
                .toAbsolutePath();
        Path archive = jar.resolveSibling("ops-router.jsa");
        assertThat(archive).as("mvn package writes the archive").isRegularFile();
        assertThat(Files.size(archive)).isGreaterThan(10L * 1024 * 1024);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(
                        java.toString(),
                        "@" + Path.of("jvm.options").toAbsolutePath(),
                        "-XX:SharedArchiveFile=" + archive,
                        "-Xshare:on",
                        "-Xlog:class+load=info",
                        "-jar",
                        jar.toString(),
                        "--version"))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        // the router's own classes come from the archive's top layer, not from the jar
        assertThat(out).containsPattern("io\\.opsrouter\\.cli\\.OpsRouterCli source: shared objects file \\(top\\)");
    }
}
