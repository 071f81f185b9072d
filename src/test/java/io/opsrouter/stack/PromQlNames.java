package io.opsrouter.stack;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads. Enough of PromQL's grammar for the rules and dashboards of
 * this repository: strings, label matchers, ranges, grouping label lists and Grafana variables are removed,
 * then every identifier that is not a function call, a keyword or a duration is a metric name.
 */
final class PromQlNames {
    private PromQlNames() {}

    private static final Set<String> KEYWORDS = Set.of(
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "and",
            "or",
            "unless",
            "offset",
            "bool",
            "inf",
            "nan",
            "atan2",
            "start",
            "end",
            // aggregation operators, which may be followed by a grouping clause rather than "("
            "sum",
            "min",
            "max",
            "avg",
            "group",
            "stddev",
            "stdvar",
            "count",
            "count_values",
            "bottomk",
            "topk",
            "quantile");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_VALUES =
            Pattern.compile("^\\s*label_values\\(\\s*([^,)]+?)\\s*(?:,[^)]*)?\\)\\s*$");

    static Set<String> of(String expr) {
        String s = expr.replaceAll("#[^\\n]*", " ")
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " $1 ")
                .replaceAll("\\$\\{?\\w+}?", " 1 ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENT.matcher(s);
        while (m.find()) {
            String token = m.group();
            if (KEYWORDS.contains(token.toLowerCase())) continue;
            if (m.start() > 0 && Character.isLetterOrDigit(s.charAt(m.start() - 1))) continue; // 5m, 1e3
            if (m.start() > 0 && s.charAt(m.start() - 1) == '.') continue; // 0.5e1
            int next = m.end();
            while (next < s.length() && Character.isWhitespace(s.charAt(next))) next++;
            if (next < s.length() && s.charAt(next) == '(') continue; // a function
            names.add(token);
        }
        return names;
    }

    /** A Grafana variable query {@code label_values(metric, label)} reads only its metric. */
    static Set<String> ofGrafanaQuery(String query) {
        Matcher m = LABEL_VALUES.matcher(query);
        return m.matches() ? of(m.group(1)) : of(query);
    }
}
