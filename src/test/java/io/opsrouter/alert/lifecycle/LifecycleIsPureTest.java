package io.opsrouter.alert.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The lifecycle stays a pure state machine: nothing of ours, no database, clock, Camel or logging in it. */
class LifecycleIsPureTest {
    @Test
    void itImportsNoDatabaseClockCamelOrOtherPackageOfOurs() throws IOException {
        Path dir = Path.of(System.getProperty("project.basedir", "."), "src/main/java/io/opsrouter/alert/lifecycle");
        List<String> imports;
        try (Stream<Path> files = Files.list(dir)) {
            imports = files.filter(f -> f.toString().endsWith(".java"))
                    .flatMap(LifecycleIsPureTest::lines)
                    .filter(l -> l.startsWith("import "))
                    .toList();
        }
        assertThat(imports).isNotEmpty();
        assertThat(imports)
                .allMatch(l ->
                        !l.startsWith("import io.opsrouter.") || l.startsWith("import io.opsrouter.alert.lifecycle."));
        assertThat(imports)
                .noneMatch(l -> l.startsWith("import java.sql")
                        || l.contains("java.time.Clock")
                        || l.contains("org.apache.camel")
                        || l.contains("org.slf4j")
                        || l.contains("javax.sql"));
    }

    private static Stream<String> lines(Path f) {
        try {
            return Files.readAllLines(f).stream().map(String::trim);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
