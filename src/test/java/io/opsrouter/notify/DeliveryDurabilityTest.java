package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.OutboxQueue;
import io.opsrouter.outbox.OutboxRow;
import io.opsrouter.store.StateStore;
import io.opsrouter.testing.ChildJvm;
import io.opsrouter.testing.HomeStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What delivery writes without waiting for each commit to be durable is durable when it says so: marks the writer
 * counts durable, and a claim made durably (the SMS channel's, which asks Twilio after a crash), are in the
 * embedded store after the process is killed; so are rows a channel took from the transaction that wrote them.
 */
class DeliveryDurabilityTest {
    @TempDir
    Path home;

    @Test
    void marksCountedDurableAreStillThereAfterTheProcessIsKilled() throws Exception {
        ChildJvm.Result child = kill("marks");
        assertThat(child.value("claimed")).as(child.stderr()).isEqualTo(40);
        assertThat(child.value("durable")).as(child.stderr()).isEqualTo(40);

        assertThat(count("sent")).isEqualTo(40);
    }

    @Test
    void aDurableClaimIsStillThereAfterTheProcessIsKilled() throws Exception {
        ChildJvm.Result child = kill("durable-claim");
        assertThat(child.value("claimed")).as(child.stderr()).isEqualTo(40);

        assertThat(count("sending")).isEqualTo(40);
    }

    @Test
    void rowsTakenFromTheirTransactionAreClaimedAgainAsReclaimedAfterTheProcessIsKilled() throws Exception {
        ChildJvm.Result child = kill("handover");
        assertThat(child.value("taken")).as(child.stderr()).isEqualTo(40);

        assertThat(count("sending"))
                .as("written claimed, and durable before they were sent")
                .isEqualTo(40);
        try (StateStore store = HomeStore.open(home)) {
            OutboxQueue queue = new OutboxQueue(store);
            Instant now = Instant.now();
            assertThat(queue.claimsOfAKilledProcessDueNow(now)).isEqualTo(40);
            List<OutboxRow> again = queue.claim(ChannelName.LOG, null, 100, now.plusSeconds(1), Duration.ofMinutes(1));
            assertThat(again)
                    .as("claimed again as reclaimed: SMS asks Twilio before it sends such a row")
                    .hasSize(40)
                    .allMatch(OutboxRow::reclaimed);
        }
    }

    private ChildJvm.Result kill(String mode) throws Exception {
        return ChildJvm.run(
                List.of("-Xmx128m"),
                KilledWhileDeliveringMain.class.getName(),
                List.of(home.toString(), mode, "40"),
                Map.of(),
                null);
    }

    private long count(String status) {
        return HomeStore.count(
                home,
                "SELECT COUNT(*) FROM outbox WHERE status = '" + status + "' AND idempotency_key LIKE 'delivered-%'");
    }
}
