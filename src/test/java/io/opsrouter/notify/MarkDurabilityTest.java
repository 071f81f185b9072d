package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.ChildJvm;
import io.opsrouter.testing.HomeStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The marks' commits are made durable together, after they are committed: a mark the writer counts durable is in
 * the embedded store after the process is killed.
 */
class MarkDurabilityTest {
    @TempDir
    Path home;

    @Test
    void marksCountedDurableAreStillThereAfterTheProcessIsKilled() throws Exception {
        ChildJvm.Result child = ChildJvm.run(
                List.of("-Xmx128m"),
                KilledAfterMarksMain.class.getName(),
                List.of(home.toString(), "40"),
                Map.of(),
                null);
        assertThat(child.value("claimed")).as(child.stderr()).isEqualTo(40);
        assertThat(child.value("durable")).as(child.stderr()).isEqualTo(40);

        assertThat(HomeStore.count(
                        home, "SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND idempotency_key LIKE 'marked-%'"))
                .isEqualTo(40);
    }
}
