package io.opsrouter.alert;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A comparison on one of a signal's values, written {@code "< 7"}, {@code ">= 0.9"}, {@code "== 0"}. */
public record ValueCondition(String value, String op, double threshold) {
    private static final Pattern FORM =
            Pattern.compile("\\s*(<=|>=|==|!=|<|>)\\s*(-?[0-9]+(?:\\.[0-9]+)?(?:[eE]-?[0-9]+)?)\\s*");

    public static ValueCondition parse(String value, String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a comparison; write it like \"< 7\", \">= 0.9\" or \"== 0\"");
        }
        return new ValueCondition(value, m.group(1), Double.parseDouble(m.group(2)));
    }

    /** False when the signal has no such value. */
    public boolean test(Map<String, Double> values) {
        Double v = values.get(value);
        if (v == null || v.isNaN()) return false;
        return switch (op) {
            case "<" -> v < threshold;
            case "<=" -> v <= threshold;
            case ">" -> v > threshold;
            case ">=" -> v >= threshold;
            case "==" -> v == threshold;
            case "!=" -> v != threshold;
            default -> false;
        };
    }
}
