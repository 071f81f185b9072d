package io.opsrouter.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.store.StateStore;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statements that change one outbox row by id use the primary key on H2 even when first prepared on an empty
 * outbox (a new store): H2 keeps a connection's plan, and one by outbox_due read the whole backlog per row.
 */
class OutboxPlansTest {
    @TempDir
    Path dir;

    @Test
    void rowsChangedByIdAreFoundByThePrimaryKeyOnAnEmptyOutbox() {
        List<String> byId = List.of(
                OutboxQueue.CLAIM,
                OutboxQueue.MARK_SENT,
                OutboxQueue.MARK_OTHER,
                OutboxQueue.RENEW,
                DigestFolding.MARK_FOLDED);
        try (StateStore store = StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, 2, dir)) {
            for (String sql : byId) {
                String plan = store.read(c -> {
                    try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
                        int n = ps.getParameterMetaData().getParameterCount();
                        for (int i = 1; i <= n; i++) ps.setObject(i, null);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getString(1);
                        }
                    }
                });
                assertThat(plan).as(sql).contains("PRIMARY_KEY").doesNotContain("outbox_due");
            }
        }
    }

    @Test
    void theFallbackStepsThroughChannelNamesByTheClaimIndexOnAnEmptyOutbox() {
        try (StateStore store = StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, 2, dir)) {
            String plan = store.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + OutboxQueue.NEXT_CHANNEL)) {
                    ps.setString(1, "");
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getString(1);
                    }
                }
            });
            assertThat(plan).contains("outbox_claim_severity").doesNotContain("tableScan");
        }
    }

    @Test
    void aPlainStatusTestWouldTakeOutboxDue() {
        // what the test above guards against: without COALESCE, H2 plans the claim by outbox_due on an empty outbox
        try (StateStore store = StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, 2, dir)) {
            String plan = store.read(c -> {
                try (PreparedStatement ps =
                        c.prepareStatement("EXPLAIN " + OutboxQueue.CLAIM.replace(OutboxQueue.STATUS, "status"))) {
                    for (int i = 1; i <= 4; i++) ps.setObject(i, null);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getString(1);
                    }
                }
            });
            assertThat(plan).contains("outbox_due");
        }
    }
}
