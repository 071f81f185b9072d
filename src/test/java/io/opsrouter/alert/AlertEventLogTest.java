package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opsrouter.store.StateStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Each alert event is one log line, written once its transaction committed. */
class AlertEventLogTest {
    @TempDir
    Path dir;

    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(AlertHistory.class);
    AlertFixture f;

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
        if (f != null) f.close();
    }

    List<String> logged() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aStoredAlertIsLoggedOnceWithItsIdInTheMdc() {
        f = new AlertFixture(
                StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, 4, dir),
                new MovableClock(AlertFixture.NIGHT),
                AlertFixture.RULES,
                AlertFixture.ALL);
        f.engine.accept(List.of(AlertFixture.firing("frontend", "frontend")));
        String id = (String) f.only("firing").get("id");
        assertThat(logged()).containsExactly("alert " + id + " fired: P1 by rule site-unreachable");
        assertThat(lines.list.get(0).getMDCPropertyMap()).containsEntry("alert", id);
    }

    @Test
    void eventsOfATransactionThatRollsBackAreNotLogged() {
        StateStore store = StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, 4, dir);
        try (store) {
            AlertHistory history = new AlertHistory();
            assertThatThrownBy(() -> store.inTransaction(c -> {
                        history.add(
                                c,
                                List.of(new AlertHistory.Event(
                                        "a-1", Instant.now(), "fired", null, null, "test", null)));
                        throw new IllegalStateException("rolled back");
                    }))
                    .hasMessage("rolled back");
            assertThat(logged()).isEmpty();
            store.inTransaction(c -> {
                history.add(
                        c, List.of(new AlertHistory.Event("a-2", Instant.now(), "fired", null, null, "test", null)));
                assertThat(logged()).as("not before the commit").isEmpty();
                return null;
            });
            assertThat(logged()).containsExactly("alert a-2 fired");
        }
    }
}
