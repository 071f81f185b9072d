package io.opsrouter.alert;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Equality ({@code match}) and regular-expression ({@code matchRe}, anchored) matchers over labels, as
 * rules, silences, maintenance windows and inhibition rules write them. An empty matcher matches all.
 * Expressions are RE2 (RE2/J): matching takes time linear in the value, whatever the expression, so no
 * silence or rule can stall the pipeline; see {@link #compile}.
 */
public record LabelMatcher(Map<String, String> equal, Map<String, Pattern> regex) {
    public static final LabelMatcher ALL = new LabelMatcher(Map.of(), Map.of());
    /** Longest expression accepted. */
    public static final int MAX_PATTERN = 1000;
    /** Largest size with counted repetitions written out ({@code (ab{10}){20}} is 220), as RE2 itself limits it. */
    public static final int MAX_EXPANDED = 3000;
    /** A value longer than this is never matched by an expression (the ingest doors cap values well below it). */
    public static final int MAX_VALUE = 65_536;

    public LabelMatcher {
        equal = equal == null ? Map.of() : Map.copyOf(equal);
        regex = regex == null ? Map.of() : Map.copyOf(regex);
    }

    /** @throws IllegalArgumentException naming why, when {@link #compile} refuses one of the expressions */
    public static LabelMatcher of(Map<String, String> equal, Map<String, String> regex) {
        Map<String, Pattern> compiled = new LinkedHashMap<>();
        if (regex != null) regex.forEach((k, v) -> compiled.put(k, compile(v)));
        return new LabelMatcher(equal, compiled);
    }

    /**
     * Compiles an RE2 expression, or throws {@link IllegalArgumentException} with a message saying why not: not RE2
     * syntax (look-around, back-references and possessive quantifiers do not exist in RE2), longer than
     * {@value #MAX_PATTERN} characters, or counted repetitions that written out (RE2/J builds them out in memory)
     * grow past {@value #MAX_EXPANDED} parts.
     */
    public static Pattern compile(String expression) {
        String e = expression == null ? "" : expression;
        if (e.length() > MAX_PATTERN)
            throw new IllegalArgumentException("is longer than " + MAX_PATTERN + " characters");
        if (RepeatSize.of(e) > MAX_EXPANDED) {
            throw new IllegalArgumentException(
                    "grows past " + MAX_EXPANDED + " parts when its counted repetitions ({n}) are written out");
        }
        try {
            return Pattern.compile(e);
        } catch (PatternSyntaxException ex) {
            // the message quotes the part refused; control characters in it are not echoed
            String why = ex.getMessage().replace("error parsing regexp: ", "").replaceAll("\\p{Cntrl}", "?");
            throw new IllegalArgumentException("is not an RE2 regular expression: " + why);
        }
    }

    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : equal.entrySet()) {
            if (!e.getValue().equals(labels.getOrDefault(e.getKey(), ""))) return false;
        }
        for (Map.Entry<String, Pattern> e : regex.entrySet()) {
            String value = labels.getOrDefault(e.getKey(), "");
            if (value.length() > MAX_VALUE || !e.getValue().matches(value)) return false;
        }
        return true;
    }

    public boolean isEmpty() {
        return equal.isEmpty() && regex.isEmpty();
    }

    /** As JSON-friendly maps: {@code {"match": {...}, "matchRe": {...}}}. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("match", equal);
        Map<String, String> re = new LinkedHashMap<>();
        regex.forEach((k, v) -> re.put(k, v.pattern()));
        m.put("matchRe", re);
        return m;
    }
}
