package io.opsrouter.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsrouter.ingest.IngestSettings.Limits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads untrusted JSON into a tree and pulls typed fields out of it, refusing anything unexpected with a
 * 400 that names the field by its path ({@code alerts[3].labels}). Duplicate keys, trailing data, deep
 * nesting and giant numbers are refused by the parser itself.
 */
final class StrictJson {
    /** Go's zero time: what Alertmanager sends as endsAt of an alert that has not ended. */
    static final Instant GO_ZERO = Instant.parse("0001-01-01T00:00:00Z");
    /** The times taken (both stores hold them; PostgreSQL's timestamptz ends in year 294276, Java's parse earlier). */
    static final Instant EARLIEST = Instant.EPOCH;

    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    /** Prometheus' label names; annotation names follow the same rule. */
    private static final java.util.regex.Pattern LABEL_NAME = java.util.regex.Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(32)
                            .maxNumberLength(64)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private StrictJson() {}

    static JsonNode parse(byte[] raw) {
        if (raw.length == 0) throw IngestRefusal.invalid("body", "the request body is empty");
        String text;
        try {
            // JSON on the network is UTF-8 (RFC 8259); the parser alone lets some invalid sequences through
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            throw IngestRefusal.invalid("body", "the request body is not valid UTF-8");
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) throw IngestRefusal.invalid("body", "the request body is empty");
            return node;
        } catch (StreamConstraintsException e) {
            throw IngestRefusal.invalid("body", "the JSON is nested too deep or holds a number too long");
        } catch (IOException e) {
            throw IngestRefusal.invalid("body", "the request body is not valid JSON");
        }
    }

    static JsonNode object(JsonNode node, String path) {
        if (node == null || !node.isObject()) throw IngestRefusal.invalid(path, path + " must be a JSON object");
        return node;
    }

    static String requiredString(JsonNode obj, String name, String path) {
        String s = optionalString(obj, name, path);
        if (s == null || s.isBlank()) throw IngestRefusal.invalid(path + name, path + name + " is required");
        return s;
    }

    static String optionalString(JsonNode obj, String name, String path) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw IngestRefusal.invalid(path + name, path + name + " must be a string");
        return storable(v.textValue(), path + name);
    }

    /**
     * Refuses what the state store cannot hold as text: PostgreSQL refuses a NUL character in text (and the
     * whole batch with it), and stores a lone UTF-16 surrogate (half of a pair, as {@code "\\ud800"} in JSON)
     * as {@code ?}.
     */
    static String storable(String s, String field) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) throw IngestRefusal.invalid(field, field + " holds a NUL character (\\u0000)");
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw IngestRefusal.invalid(
                        field, field + " holds a lone UTF-16 surrogate (half of a pair, \\ud800-\\udfff)");
            }
        }
        return s;
    }

    /** A label value with its control characters (tab, line breaks and the rest of C0, DEL) made spaces. */
    static String oneLine(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (b == null) b = new StringBuilder(s);
                b.setCharAt(i, ' ');
            }
        }
        return b == null ? s : b.toString();
    }

    static String boundedString(JsonNode obj, String name, String path, int maxLength) {
        String s = optionalString(obj, name, path);
        if (s != null && s.length() > maxLength) {
            throw IngestRefusal.invalid(path + name, path + name + " is longer than " + maxLength + " characters");
        }
        return s;
    }

    static Boolean optionalBoolean(JsonNode obj, String name, String path) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) throw IngestRefusal.invalid(path + name, path + name + " must be true or false");
        return v.booleanValue();
    }

    static int optionalCount(JsonNode obj, String name, String path) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) return 0;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
            throw IngestRefusal.invalid(
                    path + name, path + name + " must be a whole number from 0 to " + Integer.MAX_VALUE);
        }
        return v.intValue();
    }

    /** An RFC 3339 time, or null when absent, empty or Go's zero time. */
    static Instant optionalTime(JsonNode obj, String name, String path) {
        String s = optionalString(obj, name, path);
        if (s == null || s.isEmpty()) return null;
        try {
            Instant t = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
            if (t.equals(GO_ZERO)) return null;
            if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
                throw IngestRefusal.invalid(
                        path + name, path + name + " is outside 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z");
            }
            return t;
        } catch (java.time.DateTimeException e) {
            throw IngestRefusal.invalid(
                    path + name, path + name + " is not an RFC 3339 time such as 2024-05-01T10:00:00Z");
        }
    }

    static Map<String, String> labels(JsonNode obj, String name, String path, Limits limits, boolean required) {
        return stringMap(
                obj,
                name,
                path,
                required,
                limits.maxLabels(),
                limits.maxLabelNameLength(),
                limits.maxLabelValueLength(),
                true);
    }

    static Map<String, String> annotations(JsonNode obj, String name, String path, Limits limits) {
        return stringMap(
                obj,
                name,
                path,
                false,
                limits.maxAnnotations(),
                limits.maxLabelNameLength(),
                limits.maxAnnotationValueLength(),
                false);
    }

    private static Map<String, String> stringMap(
            JsonNode obj,
            String name,
            String path,
            boolean required,
            int maxEntries,
            int maxKey,
            int maxValue,
            boolean labels) {
        String field = path + name;
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) {
            if (required) throw IngestRefusal.invalid(field, field + " is required");
            return Map.of();
        }
        if (!v.isObject()) throw IngestRefusal.invalid(field, field + " must be an object of strings");
        if (v.size() > maxEntries)
            throw IngestRefusal.invalid(field, field + " has more than " + maxEntries + " entries");
        if (required && v.isEmpty()) throw IngestRefusal.invalid(field, field + " must not be empty");
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (key.isEmpty()) throw IngestRefusal.invalid(field, field + " has an empty name");
            if (key.length() > maxKey)
                throw IngestRefusal.invalid(field, field + " has a name longer than " + maxKey + " characters");
            // checked before the name is used in a message: a name is never echoed unless it is a plain label name
            if (!LABEL_NAME.matcher(key).matches()) {
                throw IngestRefusal.invalid(
                        field,
                        field + " has a name that is not a Prometheus label name"
                                + " (letters, digits and _, not starting with a digit)");
            }
            JsonNode value = e.getValue();
            String entryField = field + "." + (key.length() <= 64 ? key : key.substring(0, 64));
            if (!value.isTextual()) throw IngestRefusal.invalid(entryField, entryField + " must be a string");
            if (value.textValue().length() > maxValue) {
                throw IngestRefusal.invalid(entryField, entryField + " is longer than " + maxValue + " characters");
            }
            String text = storable(value.textValue(), entryField);
            out.put(key, labels ? oneLine(text) : text);
        }
        return out;
    }
}
