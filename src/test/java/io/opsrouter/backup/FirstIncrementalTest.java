package io.opsrouter.backup;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** An incremental asked for before any full backup exists takes a full instead, and says so. */
class FirstIncrementalTest {
    @TempDir
    Path home;

    @Test
    void anIncrementalWithoutAFullBeforeItIsTakenAsAFull() throws Exception {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(BackupService.class);
        lines.start();
        logger.addAppender(lines);
        try (TestPostgres.Database source = TestPostgres.createDatabase("bk_first_inc")) {
            TestData.createSchema(source);
            BackupService svc = new BackupService(
                    TestData.settings(home, ""),
                    TestData.env(source, Map.of()),
                    null,
                    null,
                    s -> {},
                    Clock.systemUTC(),
                    "test");
            Path first = Path.of(svc.run("incremental"));
            assertThat(first.getFileName().toString()).startsWith("full-");
            assertThat(lines.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .contains("no full backup yet to build an incremental on: taking a full backup instead");
            Path second = Path.of(svc.run("incremental"));
            assertThat(second.getFileName().toString()).startsWith("incremental-");
        } finally {
            logger.detachAppender(lines);
        }
    }
}
