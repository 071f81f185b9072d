package io.opsrouter.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTest {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    final BackupSettings settings =
            TestData.settings(Path.of("/tmp"), "retention: {fulls: 2, incrementals: 3, configDays: 7}\n");

    static Catalogue.Row row(String id, BackupType type, String status, boolean verified, Instant at) {
        return new Catalogue.Row(id, type, status, at, at, at, 1L, "x", verified, 1L, "/b/" + id, null, null);
    }

    @Test
    void neverDeletesTheNewestVerifiedFullWhileNewerBackupsFail() {
        List<Catalogue.Row> rows = List.of(
                row("full-a", BackupType.FULL, "ok", true, NOW.minus(Duration.ofDays(30))),
                row("full-b", BackupType.FULL, "failed", false, NOW.minus(Duration.ofDays(2))),
                row("full-c", BackupType.FULL, "failed", false, NOW.minus(Duration.ofDays(1))),
                row("full-d", BackupType.FULL, "unverified", false, NOW));
        assertThat(Retention.toDelete(rows, settings, NOW)).isEmpty();
    }

    @Test
    void ordersByTheManifestTimeNotByName() {
        // names sort the other way round from their snapshot times
        List<Catalogue.Row> rows = List.of(
                row("full-3", BackupType.FULL, "ok", true, NOW.minus(Duration.ofDays(3))),
                row("full-2", BackupType.FULL, "ok", true, NOW.minus(Duration.ofDays(2))),
                row("full-1", BackupType.FULL, "ok", true, NOW.minus(Duration.ofDays(1))));
        assertThat(Retention.toDelete(rows, settings, NOW))
                .extracting(Catalogue.Row::id)
                .containsExactly("full-3");
    }

    @Test
    void keepsIncrementalsByCountAndConfigBackupsByAgeButAlwaysTheNewest() {
        List<Catalogue.Row> rows = List.of(
                row("inc-1", BackupType.INCREMENTAL, "ok", true, NOW.minus(Duration.ofHours(4))),
                row("inc-2", BackupType.INCREMENTAL, "ok", true, NOW.minus(Duration.ofHours(3))),
                row("inc-3", BackupType.INCREMENTAL, "ok", true, NOW.minus(Duration.ofHours(2))),
                row("inc-4", BackupType.INCREMENTAL, "ok", true, NOW.minus(Duration.ofHours(1))),
                row("cfg-old", BackupType.CONFIG, "ok", true, NOW.minus(Duration.ofDays(20))),
                row("cfg-older", BackupType.CONFIG, "ok", true, NOW.minus(Duration.ofDays(40))));
        assertThat(Retention.toDelete(rows, settings, NOW))
                .extracting(Catalogue.Row::id)
                .containsExactlyInAnyOrder("inc-1", "cfg-older");
    }
}
