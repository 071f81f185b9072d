package io.opsrouter.alert;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.opsrouter.config.Durations;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads one of the alert pipeline's YAML files: {@code ${NAME}} and {@code ${NAME:-default}} are replaced
 * from the environment, then the text is bound to records; unknown keys and wrong types are refused with
 * the file, line and key.
 */
final class YamlFile {
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    final String name;

    YamlFile(String name) {
        this.name = name;
    }

    <T> T read(Path file, Env env, Class<T> type) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SettingsException(name, null, "cannot be read: " + e.getMessage(), "check that the file exists and is readable");
        }
        return parse(substitute(text, env), type);
    }

    <T> T parse(String text, Class<T> type) {
        try {
            T value = YAML.readValue(text, type);
            if (value == null) throw new SettingsException(name, null, "is empty", "see docs/alerts.md for the format");
            return value;
        } catch (JsonMappingException e) {
            if (syntax(e)) {
                throw new SettingsException(name + where(e.getLocation()), null, "is not valid YAML: " + firstLine(e.getOriginalMessage()),
                        "fix the YAML syntax", e);
            }
            JsonLocation at = e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser p && p.currentTokenLocation() != null
                    ? p.currentTokenLocation() : e.getLocation();
            String line = where(at);
            if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
                line = keyLine(text, u.getPropertyName(), at == null ? Integer.MAX_VALUE : at.getLineNr());
            }
            String path = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            throw new SettingsException(name + line, path.isEmpty() ? null : path, firstLine(e.getOriginalMessage()),
                    "see docs/alerts.md for the keys this file takes", e);
        } catch (JsonProcessingException e) {
            throw new SettingsException(name + where(e.getLocation()), null, "is not valid YAML: " + firstLine(e.getOriginalMessage()),
                    "fix the YAML syntax", e);
        }
    }

    /** Records are bound from a buffer, so Jackson reports the end of the mapping: find the line the key is on. */
    private static String keyLine(String text, String key, int notAfter) {
        Pattern p = Pattern.compile("^[\\s-]*\"?" + Pattern.quote(key) + "\"?\\s*:");
        String[] lines = text.split("\\R", -1);
        int found = -1;
        for (int i = 0; i < lines.length && i < notAfter; i++) {
            if (p.matcher(lines[i]).find()) found = i + 1;
        }
        return found < 0 ? (notAfter == Integer.MAX_VALUE ? "" : ":" + notAfter) : ":" + found;
    }

    private static boolean syntax(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof com.fasterxml.jackson.core.JsonParseException || t.getClass().getName().startsWith("org.yaml.snakeyaml")) {
                return true;
            }
        }
        return false;
    }

    static String substitute(String text, Env env) {
        Matcher m = VAR.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1)).orElse(m.group(2) == null ? "" : m.group(2));
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    SettingsException error(String key, String problem, String fix) {
        return new SettingsException(name, key, problem, fix);
    }

    Duration duration(String key, String text, Duration fallback) {
        if (text == null || text.isBlank()) return fallback;
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage(), "write a duration such as 30s, 5m or 1h30m");
        }
    }

    void labelName(String key, String label) {
        if (label == null || !LABEL_NAME.matcher(label).matches()) {
            throw error(key, "'" + label + "' is not a label name", "use letters, digits and underscores, not starting with a digit");
        }
    }

    LabelMatcher matcher(String key, java.util.Map<String, String> equal, java.util.Map<String, String> regex) {
        if (equal != null) equal.forEach((k, v) -> {
            labelName(key + ".match", k);
            if (v == null) throw error(key + ".match." + k, "has no value", "write the label value to match");
        });
        if (regex != null) {
            for (var e : regex.entrySet()) {
                labelName(key + ".matchRe", e.getKey());
                try {
                    LabelMatcher.compile(e.getValue());
                } catch (IllegalArgumentException ex) {
                    throw error(key + ".matchRe." + e.getKey(), "'" + e.getValue() + "' " + ex.getMessage(),
                            "fix the expression (RE2 syntax, anchored: it must match the whole value; see docs/alerts.md)");
                }
            }
        }
        return LabelMatcher.of(equal, regex);
    }

    private static String where(JsonLocation loc) {
        return loc == null || loc.getLineNr() <= 0 ? "" : ":" + loc.getLineNr();
    }

    private static String firstLine(String s) {
        if (s == null) return "invalid";
        String l = s.strip().split("\\R")[0];
        return l.replaceAll(" \\(class [^)]*\\)", "").replaceAll(",? ?not marked as ignorable.*", "");
    }
}
