package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.ChildJvm;
import io.opsrouter.testing.HomeStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signal the intake returned from is in the embedded store after the process is killed: the intake answers only
 * once the group commit holding the signal has been written to the file, not when it has committed in memory.
 */
class IntakeDurabilityTest {
    @TempDir
    Path home;

    @Test
    void everyAcceptedSignalIsStoredAfterTheProcessIsKilled() throws Exception {
        ChildJvm.Result child = ChildJvm.run(
                List.of("-Xmx192m"),
                KilledAfterSignalsMain.class.getName(),
                List.of(home.toString(), "40"),
                Map.of(),
                null);
        assertThat(child.value("accepted")).as(child.stderr()).isEqualTo(40);

        assertThat(HomeStore.count(home, "SELECT COUNT(*) FROM alerts WHERE name LIKE 'killed-%'"))
                .isEqualTo(40);
    }
}
