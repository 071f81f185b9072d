package io.opsrouter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileSync}: the embedded file is forced to disk after commits, and H2 keeps freed chunks for 2 s only. */
class FileSyncTest {
    @TempDir
    Path dir;

    @Test
    void theEmbeddedFileIsForcedToDiskAfterACommitAndKeepsFreedSpaceTwoSeconds() {
        try (StateStore store = StateStore.openEmbedded(dir, null, null, 2)) {
            FileSync sync = store.fileSync();
            assertThat(sync).isNotNull();
            assertThat(sync.retentionMillis()).isEqualTo(FileSync.RETENTION_MILLIS);
            await().atMost(Duration.ofSeconds(5)).until(() -> sync.syncedVersion() >= 0);
            long before = sync.syncedVersion();
            store.inTransaction(c -> c.createStatement().execute("CREATE TABLE t (id INT PRIMARY KEY)"));
            await().atMost(Duration.ofSeconds(5)).until(() -> sync.syncedVersion() > before);
        }
    }

    @Test
    void aStoreReachedOverTcpOrPostgresqlHasNone() {
        try (StateStore router = StateStore.openEmbedded(dir, null, null, 2);
                StateStore command = StateStore.openEmbeddedBeside(dir, null, null, 2);
                TestPostgres.Database pg = TestPostgres.createDatabase("filesync");
                StateStore postgres = StateStore.open(pg.url(), pg.user(), pg.password(), 2, null)) {
            assertThat(router.fileSync()).isNotNull();
            assertThat(command.fileSync()).isNull();
            assertThat(postgres.fileSync()).isNull();
        }
    }
}
