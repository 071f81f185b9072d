package io.opsrouter.probe;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One condition as ops write it: {@code status == 200}, {@code latency < 800ms}, {@code body.$.status == "ok"},
 * {@code body contains "ok"}, {@code body matches "^ok"}, {@code days_left > 30}, {@code unprocessed_p1 == 0}.
 * Parsed and checked when the monitors load; evaluated against each {@link Observation}.
 */
public final class Condition {
    private static final Pattern SHAPE =
            Pattern.compile("^\\s*(\\S+)\\s+(==|!=|<=|>=|<|>|!contains|contains|matches)\\s+(.+?)\\s*$");
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
    /** Jackson parses strictly: a page of HTML is "not JSON", not a string. */
    private static final Configuration JSON = Configuration.builder()
            .jsonProvider(new JacksonJsonProvider(new com.fasterxml.jackson.databind.ObjectMapper()))
            .mappingProvider(new JacksonMappingProvider())
            .build();

    private static final Set<String> TLS_VALUES = Set.of(TlsProber.DAYS_LEFT, TlsProber.TRUSTED);

    enum Op {
        EQ("=="),
        NE("!="),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">="),
        CONTAINS("contains"),
        NOT_CONTAINS("!contains"),
        MATCHES("matches");

        final String text;

        Op(String text) {
            this.text = text;
        }

        static Op of(String s) {
            for (Op o : values()) if (o.text.equals(s)) return o;
            throw new IllegalArgumentException(s);
        }

        boolean ordering() {
            return this == LT || this == LE || this == GT || this == GE;
        }

        boolean textual() {
            return this == CONTAINS || this == NOT_CONTAINS || this == MATCHES;
        }
    }

    /** The outcome of one condition on one run: what was expected, whether it held, and what was seen. */
    public record Outcome(String condition, boolean passed, String actual) {}

    private final String text;
    private final String subject;
    private final JsonPath jsonPath;
    private final Op op;
    private final Object expected;
    private final Pattern regex;

    private Condition(String text, String subject, JsonPath jsonPath, Op op, Object expected, Pattern regex) {
        this.text = text;
        this.subject = subject;
        this.jsonPath = jsonPath;
        this.op = op;
        this.expected = expected;
        this.regex = regex;
    }

    /** Parses and checks a condition for a kind of monitor; the message of the exception is the reason. */
    public static Condition parse(String text, Kind kind) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty condition");
        Matcher m = SHAPE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a condition; write it like status == 200, latency < 800ms,"
                            + " body.$.status == \"ok\" or body contains \"ok\"");
        }
        String subject = m.group(1);
        Op op = Op.of(m.group(2));
        Object expected = literal(m.group(3).trim(), text);
        JsonPath path = null;
        Pattern regex = null;

        boolean body = subject.equals("body");
        boolean json = subject.startsWith("body.$");
        if (body || json) {
            if (kind != Kind.HTTP) throw new IllegalArgumentException("'" + text + "': only http monitors have a body");
            if (json) {
                try {
                    path = JsonPath.compile(subject.substring("body.".length()));
                } catch (InvalidPathException | IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "'" + text + "': bad JSONPath " + subject.substring(5) + ": " + e.getMessage());
                }
            }
            if (body && !(expected instanceof String)) {
                throw new IllegalArgumentException(
                        "'" + text + "': compare the body with a quoted string, e.g. body contains \"ok\"");
            }
        } else if (subject.equals("status")) {
            if (kind != Kind.HTTP)
                throw new IllegalArgumentException("'" + text + "': only http monitors have a status");
            requireNumber(text, op, expected);
        } else if (subject.equals("latency")) {
            if (!(expected instanceof Seconds)) {
                throw new IllegalArgumentException(
                        "'" + text + "': compare latency with a duration, e.g. latency < 800ms");
            }
            if (op.textual())
                throw new IllegalArgumentException("'" + text + "': latency is compared with <, <=, >, >=, == or !=");
        } else if (NAME.matcher(subject).matches()) {
            switch (kind) {
                case HTTP, TCP ->
                    throw new IllegalArgumentException("'" + text + "': " + kind.label()
                            + " monitors have no value named " + subject
                            + (kind == Kind.HTTP ? "; use status, latency, body or body.$.path" : "; use latency"));
                case TLS -> {
                    if (!TLS_VALUES.contains(subject)) {
                        throw new IllegalArgumentException(
                                "'" + text + "': tls monitors have days_left and trusted, not " + subject);
                    }
                }
                case PG -> {
                    if (!PgMetricsProber.NAMES.contains(subject)) {
                        throw new IllegalArgumentException("'" + text + "': no built-in database metric named "
                                + subject + "; use one of " + String.join(", ", PgMetricsProber.NAMES));
                    }
                }
                case SQL -> {}
            }
            requireNumber(text, op, expected);
        } else {
            throw new IllegalArgumentException("'" + text + "': '" + subject + "' is not something a probe measures;"
                    + " use status, latency, body, body.$.path or a value name in lower case");
        }
        if (op.textual() && !(expected instanceof String)) {
            throw new IllegalArgumentException("'" + text + "': " + op.text + " needs a quoted string");
        }
        if (op.ordering() && !(expected instanceof Double || expected instanceof Seconds)) {
            throw new IllegalArgumentException("'" + text + "': " + op.text + " needs a number");
        }
        if (op == Op.MATCHES) {
            try {
                regex = Pattern.compile((String) expected);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("'" + text + "': bad regular expression: " + e.getDescription());
            }
        }
        return new Condition(text.trim(), subject, path, op, expected, regex);
    }

    private static void requireNumber(String text, Op op, Object expected) {
        if (!(expected instanceof Double)) {
            throw new IllegalArgumentException("'" + text + "': compare with a number");
        }
        if (op.textual()) throw new IllegalArgumentException("'" + text + "': " + op.text + " works on the body only");
    }

    /** A duration on the right side, kept apart from a plain number so that {@code latency < 800} is refused. */
    private record Seconds(double value) {}

    private static Object literal(String s, String text) {
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        if (s.equals("true") || s.equals("false")) return Boolean.valueOf(s);
        Matcher d = DURATION.matcher(s);
        if (d.matches()) {
            double n = Double.parseDouble(d.group(1));
            return new Seconds(
                    switch (d.group(2)) {
                        case "ms" -> n / 1000;
                        case "s" -> n;
                        case "m" -> n * 60;
                        default -> n * 3600;
                    });
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': '" + s
                    + "' is not a number, a duration like 800ms, true/false" + " or a quoted string");
        }
    }

    public String text() {
        return text;
    }

    public Outcome evaluate(Observation o) {
        if (o.error() != null) return new Outcome(text, false, o.error());
        return switch (subject) {
            case "status" ->
                o.statusCode() == null
                        ? new Outcome(text, false, "no status")
                        : compareNumber(o.statusCode().doubleValue(), Integer.toString(o.statusCode()));
            case "latency" ->
                compareNumber(
                        o.latency().toNanos() / 1e9, Math.round(o.latency().toNanos() / 1e6) + "ms");
            case "body" -> compareText(o.body() == null ? "" : o.body());
            default -> jsonPath != null ? evaluateJson(o) : evaluateValue(o);
        };
    }

    private Outcome evaluateValue(Observation o) {
        Double v = o.values().get(subject);
        if (v == null || v.isNaN()) return new Outcome(text, false, "no value " + subject + " in the result");
        return compareNumber(v, format(v));
    }

    private Outcome evaluateJson(Observation o) {
        if (o.body() == null || o.body().isBlank()) return new Outcome(text, false, "empty body");
        Object v;
        try {
            v = JsonPath.using(JSON).parse(o.body()).read(jsonPath);
        } catch (PathNotFoundException e) {
            return new Outcome(
                    text,
                    false,
                    "no value at " + jsonPath.getPath() + (o.bodyTruncated() ? " (body cut at the limit)" : ""));
        } catch (RuntimeException e) {
            return new Outcome(text, false, "body is not JSON" + (o.bodyTruncated() ? " (cut at the limit)" : ""));
        }
        if (v instanceof Number n && expected instanceof Double)
            return compareNumber(n.doubleValue(), format(n.doubleValue()));
        if (v instanceof Boolean b && expected instanceof Boolean) {
            boolean eq = b.equals(expected);
            return new Outcome(text, op == Op.EQ ? eq : op == Op.NE && !eq, b.toString());
        }
        if (v instanceof String s) {
            if (expected instanceof Double) {
                try {
                    return compareNumber(new BigDecimal(s).doubleValue(), s);
                } catch (NumberFormatException e) {
                    return new Outcome(text, false, "\"" + s + "\" is not a number");
                }
            }
            return compareText(s);
        }
        return new Outcome(
                text, false, v == null ? "null" : "a " + kindOf(v) + " (" + abbreviate(String.valueOf(v)) + ")");
    }

    private static String kindOf(Object v) {
        if (v instanceof java.util.Map) return "JSON object";
        if (v instanceof java.util.List) return "JSON array";
        return v.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    private Outcome compareNumber(double actual, String shown) {
        double want = expected instanceof Seconds s ? s.value() : expected instanceof Double d ? d : Double.NaN;
        if (Double.isNaN(want)) return new Outcome(text, false, shown);
        int c = Double.compare(actual, want);
        boolean ok = switch (op) {
            case EQ -> c == 0;
            case NE -> c != 0;
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            case GE -> c >= 0;
            default -> false;
        };
        return new Outcome(text, ok, shown);
    }

    private Outcome compareText(String actual) {
        String want = expected instanceof String s ? s : String.valueOf(expected);
        boolean ok = switch (op) {
            case EQ -> actual.equals(want);
            case NE -> !actual.equals(want);
            case CONTAINS -> actual.contains(want);
            case NOT_CONTAINS -> !actual.contains(want);
            case MATCHES -> regex.matcher(actual).find();
            default -> false;
        };
        return new Outcome(text, ok, subject.equals("body") ? abbreviate(actual) : "\"" + abbreviate(actual) + "\"");
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.4g", v)
                .replaceAll("(\\.\\d*?)0+(e|$)", "$1$2")
                .replaceAll("\\.(e|$)", "$1");
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").replaceAll("\\p{Cntrl}", "?");
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }

    @Override
    public String toString() {
        return text;
    }

    /** Same text, same condition: a reloaded monitor with unchanged conditions is the same monitor. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Condition c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
