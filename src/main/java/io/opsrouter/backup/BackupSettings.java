package io.opsrouter.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.opsrouter.config.Durations;
import io.opsrouter.config.SettingsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The backup section ({@code config/backups.yaml}), validated at load: every error names the file, the key and the fix.
 * A folder that does not exist is not an error here; the backup reports it in its manifest.
 */
public record BackupSettings(
        Path output,
        int deflateLevel,
        int workers,
        long splitBytes,
        Duration lockTimeout,
        List<String> schemas,
        List<String> includeTables,
        List<String> excludeTables,
        Map<String, String> changeColumns,
        Duration changeOverlap,
        String pgDump,
        List<FolderSpec> folders,
        List<String> secretEnv,
        int keepFulls,
        int keepIncrementals,
        int keepConfigDays,
        Map<BackupType, Duration> maxAge) {

    public static final String FILE = "config/backups.yaml";
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_*?][A-Za-z0-9_$*?]*");
    private static final Set<String> KEYS = Set.of(
            "output",
            "deflateLevel",
            "workers",
            "splitTableMb",
            "lockTimeout",
            "schemas",
            "tables",
            "changeColumns",
            "changeOverlap",
            "pgDump",
            "folders",
            "secretEnv",
            "retention",
            "maxAge");

    /** Defaults for a home without {@code config/backups.yaml}. */
    public static BackupSettings defaults(Path home) {
        return load(home, home.resolve("data"));
    }

    /** Reads config/backups.yaml; without an {@code output} key, archives go to {@code <dataDir>/backups}. */
    public static BackupSettings load(Path home, Path dataDir) {
        Path file = home.resolve(FILE);
        JsonNode root;
        if (Files.isRegularFile(file)) {
            try {
                root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            } catch (IOException e) {
                throw new SettingsException(
                        FILE, null, "is not valid YAML: " + e.getMessage().split("\n")[0], "fix the YAML syntax");
            }
            if (root == null || root.isMissingNode() || root.isNull())
                root = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            else if (!root.isObject())
                throw new SettingsException(FILE, null, "is not a mapping", "write key: value pairs at the top level");
        } else {
            root = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        return parse(home, dataDir, root);
    }

    static BackupSettings parse(Path home, JsonNode root) {
        return parse(home, home.resolve("data"), root);
    }

    static BackupSettings parse(Path home, Path dataDir, JsonNode root) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) throw err(k, "is not a known key", "use one of " + new java.util.TreeSet<>(KEYS));
        }
        String out = text(root, "output", null);
        Path output = (out == null ? dataDir.resolve("backups") : home.resolve(out)).normalize();
        int level = integer(root, "deflateLevel", 1, 0, 9);
        int workers = integer(root, "workers", 2, 1, 32);
        long split = integer(root, "splitTableMb", 64, 1, 1_000_000) * 1024L * 1024L;
        Duration lockTimeout = duration(root, "lockTimeout", Duration.ofSeconds(30), false);
        List<String> schemas = strings(root, "schemas", List.of("public"));
        for (String s : schemas) {
            if (!s.matches("[A-Za-z_][A-Za-z0-9_$]*"))
                throw err("schemas", "'" + s + "' is not a schema name", "list plain schema names");
        }
        JsonNode tables = root.path("tables");
        if (!tables.isMissingNode() && !tables.isObject())
            throw err("tables", "is not a mapping", "write tables: {include: [...], exclude: [...]}");
        List<String> include = tablePatterns(tables, "tables.include");
        List<String> exclude = tablePatterns(tables, "tables.exclude");
        Map<String, String> change = new LinkedHashMap<>();
        JsonNode cc = root.path("changeColumns");
        if (!cc.isMissingNode()) {
            if (!cc.isObject())
                throw err(
                        "changeColumns",
                        "is not a mapping",
                        "map schema.table to a column, e.g. public.calls: updated_at");
            for (Iterator<Map.Entry<String, JsonNode>> it = cc.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!TABLE_NAME.matcher(e.getKey()).matches() || e.getKey().contains("*")) {
                    throw err(
                            "changeColumns." + e.getKey(),
                            "is not schema.table",
                            "write the table as schema.table, e.g. public.calls");
                }
                if (!e.getValue().isTextual() || !e.getValue().asText().matches("[A-Za-z_][A-Za-z0-9_$]*")) {
                    throw err(
                            "changeColumns." + e.getKey(),
                            "is not a column name",
                            "name a timestamp column such as updated_at");
                }
                change.put(e.getKey(), e.getValue().asText());
            }
        }
        Duration overlap = duration(root, "changeOverlap", Duration.ofMinutes(15), true);
        String pgDump = text(root, "pgDump", "auto");
        List<FolderSpec> folders = folders(home, root.path("folders"));
        List<String> secretEnv = strings(root, "secretEnv", List.of());
        JsonNode ret = root.path("retention");
        if (!ret.isMissingNode() && !ret.isObject())
            throw err("retention", "is not a mapping", "write retention: {fulls: 7, incrementals: 48, configDays: 30}");
        for (Iterator<String> it = ret.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of("fulls", "incrementals", "configDays").contains(k))
                throw err("retention." + k, "is not a known key", "use fulls, incrementals or configDays");
        }
        int fulls = integer(ret, "fulls", "retention.fulls", 7, 1, 10_000);
        int incs = integer(ret, "incrementals", "retention.incrementals", 48, 0, 100_000);
        int configDays = integer(ret, "configDays", "retention.configDays", 30, 0, 100_000);
        Map<BackupType, Duration> maxAge = new EnumMap<>(BackupType.class);
        maxAge.put(BackupType.FULL, Duration.ofHours(26));
        maxAge.put(BackupType.INCREMENTAL, Duration.ofHours(2));
        maxAge.put(BackupType.CONFIG, Duration.ZERO);
        JsonNode ma = root.path("maxAge");
        if (!ma.isMissingNode()) {
            if (!ma.isObject()) throw err("maxAge", "is not a mapping", "write maxAge: {full: 26h, incremental: 2h}");
            for (Iterator<String> it = ma.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                BackupType t;
                try {
                    t = BackupType.parse(k);
                } catch (IllegalArgumentException e) {
                    throw err("maxAge." + k, "is not a backup type", "use full, incremental or config");
                }
                maxAge.put(t, duration(ma, k, "maxAge." + k, Duration.ZERO, true));
            }
        }
        return new BackupSettings(
                output,
                level,
                workers,
                split,
                lockTimeout,
                List.copyOf(schemas),
                include,
                exclude,
                Map.copyOf(change),
                overlap,
                pgDump,
                folders,
                List.copyOf(secretEnv),
                fulls,
                incs,
                configDays,
                Map.copyOf(maxAge));
    }

    private static List<FolderSpec> folders(Path home, JsonNode node) {
        List<FolderSpec> out = new ArrayList<>();
        if (node.isMissingNode()) {
            out.add(new FolderSpec(
                    "config",
                    home.resolve("config"),
                    EnumSet.of(BackupType.FULL, BackupType.CONFIG),
                    true,
                    0,
                    List.of()));
            out.add(new FolderSpec(
                    "routes",
                    home.resolve("routes"),
                    EnumSet.of(BackupType.FULL, BackupType.CONFIG),
                    true,
                    0,
                    List.of()));
            return out;
        }
        if (!node.isObject())
            throw err(
                    "folders",
                    "is not a mapping",
                    "map a name to {path, types}, e.g. functions: {path: supabase/functions, types: [full, config]}");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            String name = e.getKey();
            String key = "folders." + name;
            if (!name.matches("[A-Za-z0-9_-]+")) throw err(key, "is not a plain name", "use letters, digits, - and _");
            JsonNode f = e.getValue();
            if (!f.isObject()) throw err(key, "is not a mapping", "write {path: DIR, types: [full, config]}");
            for (Iterator<String> fi = f.fieldNames(); fi.hasNext(); ) {
                String k = fi.next();
                if (!Set.of("path", "types", "mask", "maxAgeDays", "exclude").contains(k)) {
                    throw err(key + "." + k, "is not a known key", "use path, types, mask, maxAgeDays or exclude");
                }
            }
            if (!f.path("path").isTextual() || f.path("path").asText().isBlank())
                throw err(key + ".path", "is missing", "name the folder to copy");
            Set<BackupType> types = EnumSet.noneOf(BackupType.class);
            List<String> typeNames = strings(f, "types", key + ".types", List.of("full", "config"));
            for (String t : typeNames) {
                try {
                    types.add(BackupType.parse(t));
                } catch (IllegalArgumentException ex) {
                    throw err(key + ".types", ex.getMessage(), "list full, incremental and/or config");
                }
            }
            JsonNode mask = f.path("mask");
            if (!mask.isMissingNode() && !mask.isBoolean())
                throw err(key + ".mask", "is not true or false", "write mask: true");
            out.add(new FolderSpec(
                    name,
                    home.resolve(f.path("path").asText()).normalize(),
                    types,
                    mask.asBoolean(true),
                    integer(f, "maxAgeDays", key + ".maxAgeDays", 0, 0, 100_000),
                    strings(f, "exclude", key + ".exclude", List.of())));
        }
        return out;
    }

    private static List<String> tablePatterns(JsonNode tables, String key) {
        List<String> list = strings(tables, key.substring(key.indexOf('.') + 1), key, List.of());
        for (String s : list) {
            if (!TABLE_NAME.matcher(s).matches())
                throw err(key, "'" + s + "' is not schema.table", "write schema.table; * and ? match any name part");
        }
        return list;
    }

    private static String text(JsonNode n, String k, String fallback) {
        JsonNode v = n.path(k);
        if (v.isMissingNode() || v.isNull()) return fallback;
        if (!v.isValueNode()) throw err(k, "is not a single value", "write a plain value");
        return v.asText();
    }

    private static int integer(JsonNode n, String k, int fallback, int min, int max) {
        return integer(n, k, k, fallback, min, max);
    }

    private static int integer(JsonNode n, String k, String key, int fallback, int min, int max) {
        JsonNode v = n.path(k);
        if (v.isMissingNode() || v.isNull()) return fallback;
        if (!v.isInt() || v.asInt() < min || v.asInt() > max) {
            throw err(
                    key,
                    "'" + v.asText() + "' is not a whole number from " + min + " to " + max,
                    "set a number from " + min + " to " + max);
        }
        return v.asInt();
    }

    private static Duration duration(JsonNode n, String k, Duration fallback, boolean zeroOk) {
        return duration(n, k, k, fallback, zeroOk);
    }

    private static Duration duration(JsonNode n, String k, String key, Duration fallback, boolean zeroOk) {
        JsonNode v = n.path(k);
        if (v.isMissingNode() || v.isNull()) return fallback;
        String s = v.asText().trim();
        if (zeroOk && s.equals("0")) return Duration.ZERO;
        try {
            return Durations.parse(s);
        } catch (IllegalArgumentException e) {
            throw err(
                    key,
                    "'" + s + "' is not a duration",
                    "write a duration such as 30s, 5m or 26h" + (zeroOk ? ", or 0 for none" : ""));
        }
    }

    private static List<String> strings(JsonNode n, String k, List<String> fallback) {
        return strings(n, k, k, fallback);
    }

    private static List<String> strings(JsonNode n, String k, String key, List<String> fallback) {
        JsonNode v = n.path(k);
        if (v.isMissingNode() || v.isNull()) return fallback;
        if (!v.isArray()) throw err(key, "is not a list", "write a list, e.g. [a, b]");
        List<String> out = new ArrayList<>();
        for (JsonNode x : v) {
            if (!x.isValueNode() || x.asText().isBlank())
                throw err(key, "holds an empty or nested item", "list plain values");
            out.add(x.asText().trim());
        }
        return List.copyOf(out);
    }

    private static SettingsException err(String key, String problem, String fix) {
        return new SettingsException(FILE, key, problem, fix);
    }

    /** The change column for a table in incrementals, or null when the table is exported whole. */
    public String changeColumn(String schema, String table) {
        return changeColumns.get(schema + "." + table);
    }

    public boolean tableIncluded(String schema, String table) {
        String qn = schema + "." + table;
        if (!includeTables.isEmpty() && includeTables.stream().noneMatch(p -> glob(p, qn))) return false;
        return excludeTables.stream().noneMatch(p -> glob(p, qn));
    }

    static boolean glob(String pattern, String name) {
        StringBuilder re = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            if (ch == '*') re.append("[^.]*");
            else if (ch == '?') re.append("[^.]");
            else re.append(Pattern.quote(String.valueOf(ch)));
        }
        return name.matches(re.toString());
    }

    public BackupSettings withOutput(Path out) {
        return new BackupSettings(
                out,
                deflateLevel,
                workers,
                splitBytes,
                lockTimeout,
                schemas,
                includeTables,
                excludeTables,
                changeColumns,
                changeOverlap,
                pgDump,
                folders,
                secretEnv,
                keepFulls,
                keepIncrementals,
                keepConfigDays,
                maxAge);
    }
}
