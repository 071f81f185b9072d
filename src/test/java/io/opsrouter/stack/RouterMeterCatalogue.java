package io.opsrouter.stack;

import io.opsrouter.metrics.MeterNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The meters a router exposes, as Prometheus names: every constant of {@link MeterNames} with the suffixes
 * Micrometer gives its kind (written in the comment beside it: counter, timer or gauge), every name in a
 * real scrape of {@code /metrics}, Prometheus' own series, and the standard JVM, process and Camel meters.
 */
final class RouterMeterCatalogue {
    private static final Pattern CONSTANT =
            Pattern.compile("static final String (\\w+)\\s*=\\s*PREFIX\\s*\\+\\s*\"\\w+\";[ \\t]*(?://[ \\t]*(\\w+))?");
    private static final Set<String> PROMETHEUS_SERIES = Set.of(
            "up",
            "ALERTS",
            "ALERTS_FOR_STATE",
            "scrape_duration_seconds",
            "scrape_samples_scraped",
            "scrape_series_added");
    private static final Pattern STANDARD = Pattern.compile("^(jvm|process|system|camel)_\\w+$");

    private final Set<String> names = new TreeSet<>();

    private RouterMeterCatalogue() {}

    /** From MeterNames (its source beside it says each meter's kind) and the text of a scrape. */
    static RouterMeterCatalogue of(Path repo, String scrape) {
        RouterMeterCatalogue c = new RouterMeterCatalogue();
        Map<String, String> kinds = kindsFromSource(repo.resolve("src/main/java/io/opsrouter/metrics/MeterNames.java"));
        for (Field f : MeterNames.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers())
                    || f.getType() != String.class
                    || f.getName().equals("PREFIX")) continue;
            String name = value(f);
            switch (kinds.getOrDefault(f.getName(), "gauge")) {
                case "counter" -> c.names.add(name + "_total");
                case "timer" -> {
                    String base = name.endsWith("_seconds") ? name : name + "_seconds";
                    for (String suffix : new String[] {"_count", "_sum", "_max", "_bucket"}) c.names.add(base + suffix);
                }
                default -> c.names.add(name);
            }
        }
        scrape.lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0])
                .forEach(c.names::add);
        c.names.addAll(PROMETHEUS_SERIES);
        return c;
    }

    boolean exposes(String metric) {
        return names.contains(metric) || STANDARD.matcher(metric).matches();
    }

    Set<String> names() {
        return names;
    }

    private static Map<String, String> kindsFromSource(Path source) {
        try {
            Map<String, String> kinds = new HashMap<>();
            Matcher m = CONSTANT.matcher(Files.readString(source));
            while (m.find()) {
                if (m.group(2) != null) kinds.put(m.group(1), m.group(2).toLowerCase());
            }
            return kinds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String value(Field f) {
        try {
            return (String) f.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
