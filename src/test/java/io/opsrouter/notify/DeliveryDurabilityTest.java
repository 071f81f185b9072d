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
 * What delivery writes without waiting for each commit to be durable is durable when it says so: marks the writer
 * counts durable, and a claim made durably (the SMS channel's, which asks Twilio after a crash), are in the
 * embedded store after the process is killed.
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
