package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.store.StateStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP doors' admission: with a queue of writes waiting, only a request that fires a P1 is taken. */
class IntakeAdmissionTest {
    @TempDir
    Path dir;

    StateStore store;
    AlertFixture f;

    @BeforeEach
    void open() {
        store = StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, 2, dir);
        f = new AlertFixture(store, new MovableClock(AlertFixture.NIGHT), AlertFixture.RULES, AlertFixture.ALL);
    }

    @AfterEach
    void close() {
        f.close();
        store.close();
    }

    static Signal alert(String name, Severity severity, Signal.State state) {
        return new Signal(
                "alertmanager",
                name,
                Map.of("alertname", name, "service", "web"),
                Map.of(),
                Map.of(),
                state,
                severity,
                Instant.parse("2026-11-24T03:00:00Z"),
                null);
    }

    @Test
    void belowTheQueueLimitEverythingIsTaken() {
        List<Signal> p3 = List.of(alert("disk", Severity.P3, Signal.State.FIRING));
        assertThatCode(() -> f.engine.admitAsIfQueued(p3, SignalIntake.MAX_QUEUED - 1))
                .doesNotThrowAnyException();
    }

    @Test
    void atTheQueueLimitLesserSignalsAreToldToRetry() {
        List<Signal> lesser = List.of(
                alert("disk", Severity.P3, Signal.State.FIRING),
                alert("latency", Severity.P2, Signal.State.FIRING),
                // a P1 that resolves pages nobody: it does not jump the queue either
                alert("db", Severity.P1, Signal.State.RESOLVED));
        assertThatThrownBy(() -> f.engine.admitAsIfQueued(lesser, SignalIntake.MAX_QUEUED))
                .isInstanceOf(IntakeBusyException.class)
                .hasMessage("the router is writing a queue of " + SignalIntake.MAX_QUEUED + " requests; retry");
    }

    @Test
    void aRequestThatFiresAP1IsAlwaysTaken() {
        List<Signal> withP1 =
                List.of(alert("disk", Severity.P3, Signal.State.FIRING), alert("db", Severity.P1, Signal.State.FIRING));
        assertThatCode(() -> f.engine.admitAsIfQueued(withP1, 1000)).doesNotThrowAnyException();
    }

    @Test
    void aP1ByTheRulesCountsLikeOneTheSenderNamed() {
        // no severity from the sender: the rule site-unreachable makes a probe of the front end a P1
        List<Signal> probe = List.of(AlertFixture.firing("frontend", "web"));
        assertThatCode(() -> f.engine.admitAsIfQueued(probe, 1000)).doesNotThrowAnyException();
        List<Signal> other = List.of(AlertFixture.firing("batch-job", "batch"));
        assertThatThrownBy(() -> f.engine.admitAsIfQueued(other, 1000)).isInstanceOf(IntakeBusyException.class);
    }
}
