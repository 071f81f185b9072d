package io.opsrouter.alert;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Equality ({@code match}) and regular-expression ({@code matchRe}, anchored) matchers over labels, as
 * rules, silences, maintenance windows and inhibition rules write them. An empty matcher matches all.
 */
public record LabelMatcher(Map<String, String> equal, Map<String, Pattern> regex) {
    public static final LabelMatcher ALL = new LabelMatcher(Map.of(), Map.of());

    public LabelMatcher {
        equal = equal == null ? Map.of() : Map.copyOf(equal);
        regex = regex == null ? Map.of() : Map.copyOf(regex);
    }

    public static LabelMatcher of(Map<String, String> equal, Map<String, String> regex) {
        Map<String, Pattern> compiled = new LinkedHashMap<>();
        if (regex != null) regex.forEach((k, v) -> compiled.put(k, Pattern.compile(v)));
        return new LabelMatcher(equal, compiled);
    }

    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : equal.entrySet()) {
            if (!e.getValue().equals(labels.getOrDefault(e.getKey(), ""))) return false;
        }
        for (Map.Entry<String, Pattern> e : regex.entrySet()) {
            if (!e.getValue().matcher(labels.getOrDefault(e.getKey(), "")).matches()) return false;
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
