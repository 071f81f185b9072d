package io.opsrouter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import io.opsrouter.config.SettingsSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** router.watchdog.stall-after / ROUTER_WATCHDOG_STALL_AFTER: how long a pipeline part may be stuck before /health is 503. */
class WatchdogSettingTest {
    @TempDir
    Path home;

    Duration read(Map<String, String> env) {
        return CoreModule.stallAfter(new SettingsSource(home, Map.of(), Map.of(), new Env(env)));
    }

    @Test
    void sixtySecondsUnlessSet() {
        assertThat(read(Map.of())).isEqualTo(Duration.ofSeconds(60));
        assertThat(read(Map.of("ROUTER_WATCHDOG_STALL_AFTER", "2m"))).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void lessThanOneSecondIsRefused() {
        assertThatThrownBy(() -> read(Map.of("ROUTER_WATCHDOG_STALL_AFTER", "500ms")))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        "environment: ROUTER_WATCHDOG_STALL_AFTER: '500ms' is not from 1s to 1h (fix: set it to a duration"
                                + " from 1s to 1h, e.g. 60s; longer than the slowest sweep or send)");
    }

    @Test
    void moreThanAnHourIsRefused() {
        assertThatThrownBy(() -> read(Map.of("ROUTER_WATCHDOG_STALL_AFTER", "2h")))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("environment: ROUTER_WATCHDOG_STALL_AFTER: '2h' is not from 1s to 1h");
    }

    @Test
    void notADurationIsRefused() {
        assertThatThrownBy(() -> read(Map.of("ROUTER_WATCHDOG_STALL_AFTER", "soon")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("ROUTER_WATCHDOG_STALL_AFTER");
    }
}
