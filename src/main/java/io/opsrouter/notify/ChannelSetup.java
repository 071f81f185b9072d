package io.opsrouter.notify;

import io.opsrouter.config.CoreSettings;
import io.opsrouter.config.SettingsException;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.notify.channel.HttpPost;
import java.time.Clock;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a channel reads its settings from when the router loads, and the checks its variables share. Secrets come
 * from the environment only: {@link SettingsSource#secret} refuses one written in the settings file.
 */
public record ChannelSetup(
        SettingsSource settings, CoreSettings core, DispatchSettings dispatch, HttpPost http, Clock clock) {
    public static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    public static final Pattern EMAIL = Pattern.compile("[^@\\s<>]+@[^@\\s<>]+\\.[^@\\s<>]+");
    private static final String ENV = "environment";

    public Optional<String> string(String key, String env) {
        return Optional.ofNullable(settings.string(key, env, null));
    }

    public Optional<String> secret(String key, String env) {
        return settings.secret(key, env);
    }

    /** A channel's variable is missing or wrong: start-up stops with this, naming the variable and the fix. */
    public static SettingsException refuse(String env, String problem, String fix) {
        return new SettingsException(ENV, env, problem, fix);
    }

    public static void requireHttpUrl(String env, String value, String example) {
        if (!value.matches("https?://[^\\s/?#]+[^\\s]*")) {
            throw refuse(env, "'" + redact(value) + "' is not an http(s) URL", "set it to " + example);
        }
    }

    private static String redact(String v) {
        return v.length() > 12 ? v.substring(0, 12) + "..." : v;
    }
}
