package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opsrouter.log.LogZone;
import io.opsrouter.store.StateStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A silence made or ended is one INFO line saying who and what; its free-text comment is not logged. */
class SilenceLogTest {
    @TempDir
    Path dir;

    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(SilenceStore.class);
    AlertFixture f;

    @AfterEach
    void release() {
        logger.detachAppender(lines);
        if (f != null) f.close();
    }

    @Test
    void creatingAndEndingASilenceAreLogged() {
        lines.start();
        logger.addAppender(lines);
        f = new AlertFixture(
                StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, 4, dir),
                new MovableClock(AlertFixture.NIGHT),
                AlertFixture.RULES,
                AlertFixture.ALL);
        Silence s = f.engine.silence(
                Map.of("service", "frontend"),
                Map.of(),
                null,
                AlertFixture.NIGHT.plus(Duration.ofHours(2)),
                "pat",
                "call me on +15145550123");
        f.engine.expireSilence(s.id());
        List<String> logged =
                lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(logged)
                .containsExactly(
                        "silence " + s.id()
                                + " created by pat through the API: match {service=frontend} matchRe {} from "
                                + LogZone.format(AlertFixture.NIGHT) + " until "
                                + LogZone.format(AlertFixture.NIGHT.plus(Duration.ofHours(2))),
                        "silence " + s.id() + " ended at " + LogZone.format(AlertFixture.NIGHT) + " through the API");
        // the business zone with its offset, not UTC's Z
        assertThat(LogZone.format(AlertFixture.NIGHT)).matches(".*T\\d\\d:\\d\\d:\\d\\d([+-]\\d\\d:\\d\\d|Z)");
    }
}
