package io.opsrouter.log;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secret-shaped text in a log line or a log file: HTTP credentials ({@code Authorization: Basic …}, bearer
 * tokens), Slack webhook paths and tokens, passwords in URLs ({@code scheme://user:pass@}), and secret query
 * parameters. The shipped logging configuration applies it to every line it writes; backups apply it to log files.
 */
public final class LogRedaction {
    public static final String MASK = "***";

    private record Rule(Pattern pattern, String replacement) {}

    private static final List<Rule> RULES = List.of(
            new Rule(
                    Pattern.compile(
                            "(?i)(authorization[\"']?\\s*[:=]\\s*[\"']?\\s*(?:basic|bearer|token|digest)\\s+)[^\\s\"',\\[\\]]+"),
                    "$1" + MASK),
            new Rule(Pattern.compile("(?i)(\\bbearer\\s+)[A-Za-z0-9._~+/=-]{8,}"), "$1" + MASK),
            new Rule(Pattern.compile("(/services/)[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9]+"), "$1" + MASK),
            new Rule(Pattern.compile("(hooks\\.slack\\.com/(?:workflows|triggers)/)[^\\s\"'<>]+"), "$1" + MASK),
            new Rule(Pattern.compile("\\b(xox[abposre]|xapp)-[A-Za-z0-9-]{6,}"), "$1-" + MASK),
            new Rule(Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^/\\s:@\"']+):[^@\\s/\"']+@"), "$1:" + MASK + "@"),
            new Rule(
                    Pattern.compile(
                            "(?i)([?&;](?:access_token|token|secret|password|passwd|pwd|api_?key|key|auth|sig|signature|client_secret)=)[^&\\s\"'#]+"),
                    "$1" + MASK));

    private LogRedaction() {}

    public static String redact(String text) {
        if (text == null || text.isEmpty()) return text;
        String out = text;
        for (Rule r : RULES) {
            Matcher m = r.pattern().matcher(out);
            if (m.find()) out = m.replaceAll(r.replacement());
        }
        return out;
    }
}
