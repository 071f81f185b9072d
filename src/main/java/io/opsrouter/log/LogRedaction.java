package io.opsrouter.log;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secret-shaped text in a log line or a log file: HTTP credentials ({@code Authorization: Basic …}, bearer
 * tokens), Slack webhook paths and tokens, passwords in URLs ({@code scheme://user:pass@}), and secret query
 * parameters. The shipped logging configuration applies it to every line it writes; backups apply it to log files.
 */
public final class LogRedaction {
    public static final String MASK = "***";

    /**
     * A pattern, its replacement, and text the pattern cannot match without: most lines contain none of it, and a
     * {@code contains} is far cheaper than a regular expression's search (two per delivered message at INFO).
     */
    private record Rule(Pattern pattern, String replacement, Predicate<String> mayMatch) {}

    private static final List<Rule> RULES = List.of(
            new Rule(
                    Pattern.compile(
                            "(?i)(authorization[\"']?\\s*[:=]\\s*[\"']?\\s*(?:basic|bearer|token|digest)\\s+)[^\\s\"',\\[\\]]+"),
                    "$1" + MASK,
                    t -> containsIgnoreCase(t, "authorization")),
            new Rule(
                    Pattern.compile("(?i)(\\bbearer\\s+)[A-Za-z0-9._~+/=-]{8,}"),
                    "$1" + MASK,
                    t -> containsIgnoreCase(t, "bearer")),
            new Rule(
                    Pattern.compile("(/services/)[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9]+"),
                    "$1" + MASK,
                    t -> t.contains("/services/")),
            new Rule(
                    Pattern.compile("(hooks\\.slack\\.com/(?:workflows|triggers)/)[^\\s\"'<>]+"),
                    "$1" + MASK,
                    t -> t.contains("hooks.slack.com/")),
            new Rule(
                    Pattern.compile("\\b(xox[abposre]|xapp)-[A-Za-z0-9-]{6,}"),
                    "$1-" + MASK,
                    t -> t.contains("xox") || t.contains("xapp")),
            new Rule(
                    Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^/\\s:@\"']+):[^@\\s/\"']+@"),
                    "$1:" + MASK + "@",
                    t -> t.contains("://") && t.indexOf('@') >= 0),
            new Rule(
                    Pattern.compile(
                            "(?i)([?&;](?:access_token|token|secret|password|passwd|pwd|api_?key|key|auth|sig|signature|client_secret)=)[^&\\s\"'#]+"),
                    "$1" + MASK,
                    t -> t.indexOf('=') >= 0));

    private LogRedaction() {}

    public static String redact(String text) {
        if (text == null || text.isEmpty()) return text;
        String out = text;
        for (Rule r : RULES) {
            if (!r.mayMatch().test(out)) continue;
            Matcher m = r.pattern().matcher(out);
            if (m.find()) out = m.replaceAll(r.replacement());
        }
        return out;
    }

    /** Whether {@code text} contains {@code lower} (lower-case ASCII) in any case, without copying the text. */
    static boolean containsIgnoreCase(String text, String lower) {
        int n = lower.length();
        char first = lower.charAt(0);
        for (int i = 0, last = text.length() - n; i <= last; i++) {
            char c = text.charAt(i);
            if ((c == first || Character.toLowerCase(c) == first) && text.regionMatches(true, i, lower, 0, n))
                return true;
        }
        return false;
    }
}
