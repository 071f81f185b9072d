package io.opsrouter.backup;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The shipped optional folders that a deployment does not have are noted at INFO at start, not warned about. */
class MissingFoldersLogTest {
    @TempDir
    Path home;

    @Test
    void aMissingOptionalFolderIsNotAWarning() throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.copy(Path.of("config/backups.yaml"), home.resolve("config/backups.yaml"));
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(BackupModule.class);
        lines.start();
        logger.addAppender(lines);
        try {
            BackupModule.missingFolders(BackupSettings.load(home, home.resolve("data")));
        } finally {
            logger.detachAppender(lines);
        }
        assertThat(lines.list)
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.INFO));
        assertThat(lines.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .contains("config/backups.yaml: folders.frontend: " + home.resolve("frontend/dist")
                        + " does not exist; backups skip it and list it as missing");
    }
}
