package io.opsrouter.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The router's settings as one lookup: a key from {@code config/application.properties}, overridden by
 * its environment variable when that is set, overridden again by explicit overrides (command line, tests).
 * Every typed getter refuses a bad value with a {@link SettingsException} naming the file, key and fix.
 */
public final class SettingsSource {
    public static final String FILE = "config/application.properties";

    private final Path home;
    private final Map<String, String> fileProps;
    private final Map<String, String> overrides;
    private final Env env;

    public SettingsSource(Path home, Map<String, String> fileProps, Map<String, String> overrides, Env env) {
        this.home = home;
        this.fileProps = Map.copyOf(fileProps);
        this.overrides = Map.copyOf(overrides);
        this.env = env;
    }

    /** Reads {@code config/application.properties} under {@code home}; a missing file means all defaults. */
    public static SettingsSource load(Path home, Map<String, String> overrides, Env env) {
        Path file = home.resolve(FILE);
        Map<String, String> props = new HashMap<>();
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new SettingsException(
                        FILE, null, "cannot be read: " + e.getMessage(), "check the file is readable UTF-8 properties");
            }
            p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k).trim()));
        }
        return new SettingsSource(home, props, overrides, env);
    }

    public Path home() {
        return home;
    }

    public Env env() {
        return env;
    }

    /** All keys from the file and the overrides, for handing camel.* keys to Camel. */
    public Map<String, String> all() {
        Map<String, String> m = new TreeMap<>(fileProps);
        m.putAll(overrides);
        return m;
    }

    /** The raw value: override, then environment variable (if named), then file. */
    public Optional<String> raw(String key, String envName) {
        if (overrides.containsKey(key)) return Optional.ofNullable(blankToNull(overrides.get(key)));
        if (envName != null && env.isSet(envName)) return env.get(envName);
        return Optional.ofNullable(blankToNull(fileProps.get(key)));
    }

    public String string(String key, String envName, String fallback) {
        return raw(key, envName).orElse(fallback);
    }

    public int integer(String key, String envName, int fallback, int min, int max) {
        Optional<String> v = raw(key, envName);
        if (v.isEmpty()) return fallback;
        try {
            int n = Integer.parseInt(v.get());
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw error(
                    key,
                    envName,
                    "'" + v.get() + "' is not a whole number from " + min + " to " + max,
                    "set it to a number from " + min + " to " + max);
        }
    }

    public boolean bool(String key, String envName, boolean fallback) {
        Optional<String> v = raw(key, envName);
        if (v.isEmpty()) return fallback;
        return switch (v.get().toLowerCase()) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw error(key, envName, "'" + v.get() + "' is not true or false", "set it to true or false");
        };
    }

    public Duration duration(String key, String envName, Duration fallback) {
        Optional<String> v = raw(key, envName);
        if (v.isEmpty()) return fallback;
        try {
            return Durations.parse(v.get());
        } catch (IllegalArgumentException e) {
            throw error(key, envName, e.getMessage(), "write a duration such as 30s, 5m or 1h");
        }
    }

    /** A secret: only ever from the environment; a value in the settings file is refused. */
    public Optional<String> secret(String key, String envName) {
        if (fileProps.containsKey(key)
                && !fileProps.get(key).isBlank()
                && !fileProps.get(key).startsWith("${")) {
            throw new SettingsException(
                    FILE,
                    key,
                    "holds a secret in the file",
                    "remove it from the file and set the environment variable " + envName);
        }
        if (overrides.containsKey(key)) return Optional.ofNullable(blankToNull(overrides.get(key)));
        return env.get(envName);
    }

    /** Which place a key's value came from, for error messages. */
    public String origin(String key, String envName) {
        if (overrides.containsKey(key)) return "override";
        if (envName != null && env.isSet(envName)) return "environment";
        return FILE;
    }

    public SettingsException error(String key, String envName, String problem, String fix) {
        String where = origin(key, envName);
        String name = "environment".equals(where) ? envName : key;
        return new SettingsException("environment".equals(where) ? "environment" : FILE, name, problem, fix);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
