package io.opsrouter.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The zone messages show times in: the business hours' zone of {@code config/escalation.yaml}
 * ({@code businessHours.zone}, shipped as {@code ${BUSINESS_HOURS_ZONE:-America/Toronto}}), so a page at 3 a.m. in
 * Toronto says 03:12 -05:00, not 08:12 UTC. The alert side validates that file; a zone missing or unreadable here
 * falls back to UTC, which the times' offset makes plain.
 */
final class MessageZone {
    static final String FILE = "config/escalation.yaml";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private MessageZone() {}

    static ZoneId of(Path home) {
        return of(home, System::getenv);
    }

    static ZoneId of(Path home, Function<String, String> env) {
        Path file = home.resolve(FILE);
        if (!Files.isRegularFile(file)) return ZoneId.of("UTC");
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            JsonNode zone = root == null ? null : root.path("businessHours").path("zone");
            if (zone == null || !zone.isTextual()) return ZoneId.of("UTC");
            return ZoneId.of(expand(zone.asText(), env).strip());
        } catch (java.io.IOException | DateTimeException e) {
            return ZoneId.of("UTC");
        }
    }

    /** {@code ${NAME}} and {@code ${NAME:-default}}, as the configuration files write them. */
    static String expand(String s, Function<String, String> env) {
        Matcher m = VARIABLE.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env.apply(m.group(1));
            if (v == null || v.isEmpty()) v = m.group(2) == null ? "" : m.group(2);
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
