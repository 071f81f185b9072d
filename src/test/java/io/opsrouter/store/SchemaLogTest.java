package io.opsrouter.store;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The start-up line about the schema says what happened: migrated on the first start, up to date after (never "version null"). */
class SchemaLogTest {
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(StateStore.class);

    @TempDir
    Path dataDir;

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    private String schemaLine() {
        return lines.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("schema"))
                .reduce((a, b) -> b)
                .orElseThrow();
    }

    @Test
    void theSecondStartSaysTheSchemaIsUpToDateAtItsVersion() {
        String url = "jdbc:h2:file:" + dataDir.resolve("router").toAbsolutePath();
        try (StateStore first = StateStore.open(url, null, null, 2, dataDir)) {
            assertThat(schemaLine())
                    .matches(
                            "state store H2 \\(embedded\\): schema migrated from version none \\(new store\\) to \\d+ \\(\\d+ migrations applied\\)");
        }
        String version = schemaLine().replaceAll(".* to (\\d+) .*", "$1");
        try (StateStore again = StateStore.open(url, null, null, 2, dataDir)) {
            assertThat(schemaLine())
                    .isEqualTo("state store H2 (embedded): schema up to date at version " + version)
                    .doesNotContain("null");
        }
    }
}
