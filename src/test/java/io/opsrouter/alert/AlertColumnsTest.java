package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.alert.lifecycle.Status;
import io.opsrouter.store.StateStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An alert row written and read back by column name keeps every field; a partial read takes only what it selected. */
class AlertColumnsTest {
    @TempDir
    Path dir;

    static AlertRow full() {
        Instant t = Instant.parse("2026-03-01T03:00:00.123456Z");
        AlertRow r = new AlertRow();
        r.id = "a-1";
        r.fingerprint = "fp-1";
        r.status = Status.ACKNOWLEDGED;
        r.severity = Severity.P2;
        r.name = "frontend";
        r.source = "probe";
        r.rule = "site-unreachable";
        r.summary = "frontend is unreachable";
        r.runbook = "docs/alerts.md#site-unreachable";
        r.labels = Map.of("alertname", "frontend", "service", "web");
        r.annotations = Map.of("description", "down");
        r.values = Map.of("success", 0.0);
        r.externalId = "ext-1";
        r.groupId = "g-1";
        r.firstSeen = t;
        r.lastSeen = t.plusSeconds(1);
        r.firesAt = t.plusSeconds(2);
        r.notifiedAt = t.plusSeconds(3);
        r.step = 1;
        r.reminders = 2;
        r.nextEscalationAt = t.plusSeconds(4);
        r.ackedAt = t.plusSeconds(5);
        r.ackedBy = "pat";
        r.resolvedAt = t.plusSeconds(6);
        r.resolvedBy = "sam";
        r.resolvedSignalAt = t.plusSeconds(7);
        return r;
    }

    @Test
    void everyFieldSurvivesAnInsertAnUpdateAndAReadByName() {
        try (StateStore store = StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, 2, dir)) {
            AlertRepository repo = new AlertRepository(store.dialect());
            AlertRow written = full();
            store.inTransaction(c -> {
                repo.insert(c, List.of(written));
                return null;
            });
            assertThat(readBack(store, repo)).usingRecursiveComparison().isEqualTo(written);

            written.status = Status.FIRING;
            written.step = 2;
            written.ackedBy = null;
            written.ackedAt = null;
            store.inTransaction(c -> {
                repo.update(c, List.of(written));
                return null;
            });
            assertThat(readBack(store, repo)).usingRecursiveComparison().isEqualTo(written);

            AlertRow partial = store.read(c -> repo.activeByFingerprint(c, List.of("fp-1")))
                    .get("fp-1");
            assertThat(partial.id).isEqualTo("a-1");
            assertThat(partial.status).isEqualTo(Status.FIRING);
            assertThat(partial.severity).isEqualTo(Severity.P2);
            assertThat(partial.externalId).isEqualTo("ext-1");
            assertThat(partial.labels).isNull();
        }
    }

    private static AlertRow readBack(StateStore store, AlertRepository repo) {
        return store.read(c -> repo.byId(c, "a-1"));
    }
}
