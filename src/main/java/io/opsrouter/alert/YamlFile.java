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
    /** The text being bound, to find the line a key is on; values taken from the environment, by variable name. */
    private String text = "";

    private final java.util.Map<String, String> fromEnv = new java.util.LinkedHashMap<>();

    YamlFile(String name) {
        this.name = name;
    }

    <T> T read(Path file, Env env, Class<T> type) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SettingsException(
                    name, null, "cannot be read: " + e.getMessage(), "check that the file exists and is readable");
        }
        return parse(expand(text, env), type);
    }

    /** {@link #substitute}, remembering which values came from which environment variable. */
    String expand(String text, Env env) {
        Matcher m = VAR.matcher(text);
        while (m.find()) env.get(m.group(1)).ifPresent(v -> fromEnv.put(m.group(1), v.trim()));
        return substitute(text, env);
    }

    <T> T parse(String text, Class<T> type) {
        this.text = text;
        try {
            T value = YAML.readValue(text, type);
            if (value == null) throw new SettingsException(name, null, "is empty", "see docs/alerts.md for the format");
            return value;
        } catch (JsonMappingException e) {
            if (syntax(e)) {
                throw new SettingsException(
                        name + where(e.getLocation()),
                        null,
                        "is not valid YAML: " + firstLine(e.getOriginalMessage()),
                        "fix the YAML syntax",
                        e);
            }
            JsonLocation at = e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser p
                            && p.currentTokenLocation() != null
                    ? p.currentTokenLocation()
                    : e.getLocation();
            String line = where(at);
            if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
                line = keyLine(text, u.getPropertyName(), at == null ? Integer.MAX_VALUE : at.getLineNr());
            }
            String path = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
            throw new SettingsException(
                    name + line,
                    path.isEmpty() ? null : path,
                    firstLine(e.getOriginalMessage()),
                    "see docs/alerts.md for the keys this file takes",
                    e);
        } catch (JsonProcessingException e) {
            throw new SettingsException(
                    name + where(e.getLocation()),
                    null,
                    "is not valid YAML: " + firstLine(e.getOriginalMessage()),
                    "fix the YAML syntax",
                    e);
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
            if (t instanceof com.fasterxml.jackson.core.JsonParseException
                    || t.getClass().getName().startsWith("org.yaml.snakeyaml")) {
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
        int line = lineOf(text, key);
        return new SettingsException(line > 0 ? name + ":" + line : name, key, problem, fix);
    }

    /**
     * A refused value: when it came from an environment variable, the error names the variable (that is what the
     * operator must fix), and says which key of this file read it.
     */
    SettingsException error(String key, String value, String problem, String fix) {
        String v = value == null ? null : value.trim();
        for (var e : fromEnv.entrySet()) {
            if (e.getValue().equals(v)) {
                return new SettingsException("environment", e.getKey(), problem + ", read by " + name + " " + key, fix);
            }
        }
        return error(key, problem, fix);
    }

    /** The line a key such as {@code policies.P1.steps[1].after} is on, or 0 when it cannot be found (then no line is shown). */
    static int lineOf(String text, String key) {
        if (key == null || text.isEmpty()) return 0;
        String[] lines = text.split("\\R", -1);
        int at = -1;
        int parentIndent = -1;
        for (String part : key.split("\\.")) {
            Matcher seg = Pattern.compile("([^\\[]*)((?:\\[\\d+])*)").matcher(part);
            if (!seg.matches()) return at + 1;
            if (!seg.group(1).isEmpty()) {
                int found = findKey(lines, Math.max(at, 0), parentIndent, seg.group(1), at);
                if (found < 0) return at + 1;
                at = found;
                parentIndent = indent(lines[at]);
            }
            Matcher idx = Pattern.compile("\\[(\\d+)]").matcher(seg.group(2));
            while (idx.find()) {
                int item = findItem(lines, at + 1, parentIndent, Integer.parseInt(idx.group(1)));
                if (item < 0) return at + 1;
                at = item;
                parentIndent = lines[at].length() - lines[at].stripLeading().length();
            }
        }
        return at + 1;
    }

    private static int findKey(String[] lines, int from, int parentIndent, String name, int at) {
        Pattern block = Pattern.compile("^[\\s-]*\"?" + Pattern.quote(name) + "\"?\\s*:");
        Pattern flow = Pattern.compile("[{,]\\s*\"?" + Pattern.quote(name) + "\"?\\s*:");
        if (at >= 0
                && (flow.matcher(lines[at]).find()
                        || lines[at].stripLeading().startsWith("-")
                                && block.matcher(lines[at]).find())) {
            return at;
        }
        for (int i = at < 0 ? 0 : from + 1; i < lines.length; i++) {
            if (lines[i].isBlank() || lines[i].strip().startsWith("#")) continue;
            if (at >= 0 && indent(lines[i]) <= parentIndent) return -1;
            if (at < 0 && indent(lines[i]) > 0) continue;
            if (block.matcher(lines[i]).find() || flow.matcher(lines[i]).find()) return i;
        }
        return -1;
    }

    /** The n-th {@code - } item under a key: items are the lines that start with a dash at the first item's indent. */
    private static int findItem(String[] lines, int from, int parentIndent, int n) {
        int itemIndent = -1;
        for (int i = from; i < lines.length; i++) {
            if (lines[i].isBlank() || lines[i].strip().startsWith("#")) continue;
            int ind = lines[i].length() - lines[i].stripLeading().length();
            if (ind < parentIndent
                    || (ind == parentIndent && !lines[i].stripLeading().startsWith("-"))) return -1;
            if (!lines[i].stripLeading().startsWith("-")) continue;
            if (itemIndent < 0) itemIndent = ind;
            if (ind != itemIndent) continue;
            if (n-- == 0) return i;
        }
        return -1;
    }

    /** Indentation of a line, counting a leading {@code - } as indentation (its keys sit after the dash). */
    private static int indent(String line) {
        Matcher m = Pattern.compile("^[\\s-]*").matcher(line);
        return m.find() ? m.end() : 0;
    }

    Duration duration(String key, String text, Duration fallback) {
        if (text == null || text.isBlank()) return fallback;
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(key, text, e.getMessage(), "write a duration such as 30s, 5m or 1h30m");
        }
    }

    void labelName(String key, String label) {
        if (label == null || !LABEL_NAME.matcher(label).matches()) {
            throw error(
                    key,
                    "'" + label + "' is not a label name",
                    "use letters, digits and underscores, not starting with a digit");
        }
    }

    LabelMatcher matcher(String key, java.util.Map<String, String> equal, java.util.Map<String, String> regex) {
        if (equal != null)
            equal.forEach((k, v) -> {
                labelName(key + ".match", k);
                if (v == null) throw error(key + ".match." + k, "has no value", "write the label value to match");
            });
        if (regex != null) {
            for (var e : regex.entrySet()) {
                labelName(key + ".matchRe", e.getKey());
                try {
                    LabelMatcher.compile(e.getValue());
                } catch (IllegalArgumentException ex) {
                    throw error(
                            key + ".matchRe." + e.getKey(),
                            "'" + e.getValue() + "' " + ex.getMessage(),
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
