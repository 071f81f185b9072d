package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.app.StartupException;
import io.opsrouter.config.CoreSettings;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.notify.channel.HttpPost;
import io.opsrouter.testing.RouterHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One fixture per error: src/test/resources/notify/settings/*.env, each with the message it must give. */
class ChannelSettingsTest {
    static final Path FIXTURES = RouterHarness.REPO.resolve("src/test/resources/notify/settings");

    @TempDir
    Path home;

    static Stream<Path> fixtures() throws IOException {
        return Files.list(FIXTURES).filter(p -> p.toString().endsWith(".env")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void halfConfiguredOrBadChannelSettingsAreRefused(Path fixture) throws IOException {
        Map<String, String> env = new HashMap<>();
        String expect = null;
        for (String line : Files.readAllLines(fixture)) {
            if (line.startsWith("# expect: ")) expect = line.substring(10);
            else if (line.contains("="))
                env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        assertThat(expect).as("fixture names its expected message").isNotNull();
        SettingsSource s = new SettingsSource(home, Map.of(), Map.of(), new Env(env));
        assertThatThrownBy(() -> {
                    DispatchSettings d = DispatchSettings.from(s);
                    Channels.configure(new ChannelSetup(
                            s, CoreSettings.from(s), d, new HttpPost(Duration.ofSeconds(1)), Clock.systemUTC()));
                })
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(expect)
                .hasMessageContaining("(fix: ");
    }

    @Test
    void aHalfConfiguredChannelStopsStartUpNamingTheVariable() {
        RouterHarness router = RouterHarness.shipped(home)
                .env("TWILIO_ACCOUNT_SID", "AC0123456789abcdef" + "0123456789abcdef")
                .env("TWILIO_FROM_NUMBER", "+15145550100");
        assertThatThrownBy(router::start)
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("TWILIO_AUTH_TOKEN")
                .hasMessageContaining("half-configured");
        router.close();
    }

    @Test
    void aSecretInTheSettingsFileIsRefused() {
        SettingsSource s =
                new SettingsSource(home, Map.of("notify.twilio.auth-token", "leaked"), Map.of(), new Env(Map.of()));
        assertThatThrownBy(() -> Channels.configure(new ChannelSetup(
                        s,
                        CoreSettings.from(s),
                        DispatchSettings.from(s),
                        new HttpPost(Duration.ofSeconds(1)),
                        Clock.systemUTC())))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("TWILIO_AUTH_TOKEN");
    }

    @Test
    void fullyConfiguredChannelsAreEnabledAndLogAlwaysIs() {
        Map<String, String> env = Map.of(
                "SLACK_WEBHOOK_URL",
                "https://hooks.slack.com/services/T/B/X",
                "SMTP_HOST",
                "mail.example.com",
                "SMTP_FROM",
                "ops@example.com",
                "TWILIO_ACCOUNT_SID",
                "AC0123456789abcdef" + "0123456789abcdef",
                "TWILIO_AUTH_TOKEN",
                "t",
                "TWILIO_FROM_NUMBER",
                "+15145550100",
                "WEBHOOK_URL",
                "https://hooks.example.com/ops",
                "WEBHOOK_SECRET",
                "0123456789abcdef0123456789abcdef");
        SettingsSource s = new SettingsSource(home, Map.of(), Map.of(), new Env(env));
        List<Channel> channels = Channels.configure(new ChannelSetup(
                s,
                CoreSettings.from(s),
                DispatchSettings.from(s),
                new HttpPost(Duration.ofSeconds(1)),
                Clock.systemUTC()));
        assertThat(channels).extracting(c -> c.name().id()).containsExactly("slack", "email", "sms", "webhook", "log");
        SettingsSource none = new SettingsSource(home, Map.of(), Map.of(), new Env(Map.of()));
        assertThat(Channels.configure(new ChannelSetup(
                        none,
                        CoreSettings.from(none),
                        DispatchSettings.from(none),
                        new HttpPost(Duration.ofSeconds(1)),
                        Clock.systemUTC())))
                .extracting(c -> c.name().id())
                .containsExactly("log");
    }
}
