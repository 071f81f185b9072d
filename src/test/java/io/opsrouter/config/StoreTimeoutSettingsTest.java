package io.opsrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.opsrouter.store.StateStore;
import io.opsrouter.store.StoreTimeouts;
import io.opsrouter.testing.RouterHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * router.db.*-timeout: how long the router waits for its store. One fixture per error
 * (src/test/resources/config/store-timeouts/*.env), each with the exact message it must give.
 */
class StoreTimeoutSettingsTest {
    static final Path FIXTURES = RouterHarness.REPO.resolve("src/test/resources/config/store-timeouts");

    @TempDir
    Path home;

    static Stream<Path> fixtures() throws IOException {
        return Files.list(FIXTURES).filter(p -> p.toString().endsWith(".env")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void badTimeoutsAreRefusedAtLoad(Path fixture) throws IOException {
        Map<String, String> env = new HashMap<>();
        String expect = null;
        for (String line : Files.readAllLines(fixture)) {
            if (line.startsWith("# expect: ")) expect = line.substring(10);
            else if (line.contains("="))
                env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        assertThat(expect).as("fixture names its expected message").isNotNull();
        SettingsSource s = new SettingsSource(home, Map.of(), Map.of(), new Env(env));
        assertThatThrownBy(() -> CoreSettings.from(s))
                .isInstanceOf(SettingsException.class)
                .hasMessage(expect);
    }

    @Test
    void theShippedValuesUnlessSet() {
        CoreSettings core = CoreSettings.from(new SettingsSource(home, Map.of(), Map.of(), new Env(Map.of())));
        assertThat(core.dbTimeouts()).isEqualTo(StoreTimeouts.DEFAULTS);
        assertThat(StoreTimeouts.DEFAULTS)
                .isEqualTo(new StoreTimeouts(
                        Duration.ofSeconds(1),
                        Duration.ofMillis(500),
                        Duration.ofMillis(1500),
                        Duration.ofSeconds(2),
                        Duration.ofMillis(750)));
    }

    @Test
    void theFileAndTheEnvironmentSetThem() {
        SettingsSource s = new SettingsSource(
                home,
                Map.of("router.db.connect-timeout", "3s", "router.db.health-timeout", "2s"),
                Map.of(),
                new Env(Map.of(
                        "ROUTER_DB_VALIDATION_TIMEOUT", "1s",
                        "ROUTER_DB_STATEMENT_TIMEOUT", "10s",
                        "ROUTER_DB_SOCKET_TIMEOUT", "15s")));
        assertThat(CoreSettings.from(s).dbTimeouts())
                .isEqualTo(new StoreTimeouts(
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(15),
                        Duration.ofSeconds(2)));
    }

    @Test
    void aWrongValueInTheFileNamesTheKey() {
        SettingsSource s =
                new SettingsSource(home, Map.of("router.db.connect-timeout", "10m"), Map.of(), new Env(Map.of()));
        assertThatThrownBy(() -> CoreSettings.from(s))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("router.db.connect-timeout: '10m' is not from 250ms to 5m");
    }

    @Test
    void theStoreIsOpenedWithThem() {
        SettingsSource s = new SettingsSource(
                home,
                Map.of(),
                Map.of(),
                new Env(Map.of("ROUTER_DB_CONNECT_TIMEOUT", "3s", "ROUTER_DB_VALIDATION_TIMEOUT", "2s")));
        try (StateStore store = CoreSettings.from(s).openStore()) {
            HikariDataSource pool = (HikariDataSource) store.dataSource();
            assertThat(pool.getConnectionTimeout()).isEqualTo(3_000);
            assertThat(pool.getValidationTimeout()).isEqualTo(2_000);
        }
    }
}
