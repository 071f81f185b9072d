package io.opsrouter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.app.http.ConnectionSettings;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.testing.RouterHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokens and the connection bounds are refused at start-up with one exact message per error. */
class CredentialsTest {
    @TempDir
    Path home;

    static SettingsSource env(Map<String, String> vars) {
        return new SettingsSource(Path.of("."), Map.of(), Map.of(), new Env(vars));
    }

    static SettingsSource file(Map<String, String> props) {
        return new SettingsSource(Path.of("."), props, Map.of(), new Env(Map.of()));
    }

    @Test
    void aShortApiTokenIsRefused() {
        assertThatThrownBy(() -> Credentials.from(env(Map.of("ROUTER_API_TOKEN", "short"))))
                .isInstanceOf(SettingsException.class)
                .hasMessage(
                        "environment: ROUTER_API_TOKEN: is shorter than 16 characters (fix: use a long random value, e.g. openssl rand"
                                + " -hex 32)");
    }

    @Test
    void aShortWebhookTokenIsRefused() {
        assertThatThrownBy(() -> Credentials.from(env(Map.of("ROUTER_WEBHOOK_TOKEN", "x"))))
                .hasMessage(
                        "environment: ROUTER_WEBHOOK_TOKEN: is shorter than 16 characters (fix: use a long random value, e.g."
                                + " openssl rand -hex 32)");
    }

    @Test
    void theSameTokenForTheApiAndTheWebhooksIsRefused() {
        String same = "0123456789abcdef0123";
        assertThatThrownBy(() -> Credentials.from(env(Map.of("ROUTER_API_TOKEN", same, "ROUTER_WEBHOOK_TOKEN", same))))
                .hasMessage(
                        "environment: ROUTER_API_TOKEN: is the same as ROUTER_WEBHOOK_TOKEN (fix: give the API and the webhooks"
                                + " different tokens, e.g. openssl rand -hex 32 for each)")
                .hasMessageNotContaining(same);
    }

    @Test
    void longDistinctTokensAndNoTokensAreAccepted() {
        Credentials c = Credentials.from(
                env(Map.of("ROUTER_API_TOKEN", "0123456789abcdef", "ROUTER_WEBHOOK_TOKEN", "fedcba9876543210")));
        assertThat(c.api().accepts("Bearer 0123456789abcdef")).isTrue();
        assertThat(c.webhook().accepts("Bearer 0123456789abcdef")).isFalse();
        assertThat(Credentials.from(env(Map.of())).api().enabled()).isFalse();
    }

    @Test
    void aShortTokenStopsStartUpWithOneLine() {
        RouterHarness router = RouterHarness.shipped(home).env("ROUTER_API_TOKEN", "s3cret");
        assertThatThrownBy(router::start)
                .isInstanceOf(StartupException.class)
                .hasMessage(
                        "environment: ROUTER_API_TOKEN: is shorter than 16 characters (fix: use a long random value, e.g. openssl rand"
                                + " -hex 32)");
    }

    @Test
    void connectionDefaults() {
        ConnectionSettings c = ConnectionSettings.from(file(Map.of()));
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.maxConnections()).isEqualTo(1000);
        assertThat(c.reservedConnections()).isEqualTo(100);
    }

    @Test
    void aReserveAsLargeAsTheCapIsRefused() {
        assertThatThrownBy(() -> ConnectionSettings.from(
                        file(Map.of("router.http.max-connections", "50", "router.http.reserved-connections", "50"))))
                .hasMessage(
                        "config/application.properties: router.http.reserved-connections: '50' is not below"
                                + " router.http.max-connections (50) (fix: keep fewer connections in reserve than the cap, e.g. a tenth of it)");
    }

    @Test
    void anIdleTimeoutOutOfRangeIsRefused() {
        assertThatThrownBy(() -> ConnectionSettings.from(file(Map.of("router.http.idle-timeout", "1h"))))
                .hasMessage(
                        "config/application.properties: router.http.idle-timeout: '1h' is outside 200ms to 10m (fix: set a duration"
                                + " from 200ms to 10m)");
    }

    @Test
    void aCapTooSmallIsRefused() {
        assertThatThrownBy(() -> ConnectionSettings.from(file(Map.of("router.http.max-connections", "3"))))
                .hasMessage(
                        "config/application.properties: router.http.max-connections: '3' is not a whole number from 10 to 1000000"
                                + " (fix: set it to a number from 10 to 1000000)");
    }
}
