package io.opsrouter.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.ChildJvm;
import io.opsrouter.testing.HomeStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the embedded store acknowledged is there after the process is killed. H2 by default writes committed
 * transactions to its file up to a second later (WRITE_DELAY), so a router killed right after answering a webhook
 * lost the alert and the notifications it had accepted; a fresh store lost even its tables.
 */
class EmbeddedStoreDurabilityTest {
    @TempDir
    Path home;

    @Test
    void everyCommittedNotificationIsInTheStoreAfterTheProcessIsKilled() throws Exception {
        ChildJvm.Result child = ChildJvm.run(
                List.of("-Xmx128m"),
                KilledAfterCommitMain.class.getName(),
                List.of(home.toString(), "50"),
                Map.of(),
                null);
        assertThat(child.value("committed")).as(child.stderr()).isEqualTo(50);

        assertThat(HomeStore.count(
                        home,
                        "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND idempotency_key LIKE 'killed-%'"))
                .isEqualTo(50);
    }
}
