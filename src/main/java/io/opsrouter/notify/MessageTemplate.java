package io.opsrouter.notify;

import io.opsrouter.config.SettingsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A message template: text with {@code ${field}} placeholders, checked when it is loaded. A line whose
 * placeholders all come out empty is left out (so "Acknowledge: ${ackUrl}" disappears from a resolved
 * message). For e-mail, a first line {@code Subject: ...} is the subject.
 * A hand-written renderer rather than a template engine: messages are a few lines with no loops or
 * logic, and a closed list of fields lets a typo be refused at start-up instead of rendering blank at 3 a.m.
 */
public final class MessageTemplate {
    /** Every field a template may name; {@code labels.X}, {@code values.X} and {@code annotations.X} name one entry. */
    public static final Set<String> FIELDS = Set.of(
            "severity",
            "kind",
            "channel",
            "groupKey",
            "ackUrl",
            "count",
            "recipient",
            "name",
            "summary",
            "runbook",
            "status",
            "fingerprint",
            "id",
            "firstSeen",
            "lastSeen",
            "labels",
            "values",
            "annotations",
            "alerts",
            // for people (docs/channels.md "Templates"): what to do, where the runbook is, the most useful value,
            // the line of facts under the summary, what happened, who acknowledged and how, times in the
            // business-hours zone, how long it was open, how late the message goes out
            "action",
            "runbookLink",
            "value",
            "facts",
            "event",
            "ackedBy",
            "openFor",
            "localTime",
            "firstSeenLocal",
            "late",
            "link",
            "services",
            "folded",
            // which alerts are new when a message adds alerts to a group announced before
            "newMark",
            "newAlerts",
            "alsoFiring");

    private static final List<String> MAP_PREFIXES = List.of("labels.", "values.", "annotations.");

    private final String file;
    private final List<Line> subject;
    private final List<List<Line>> lines;
    /** The fields the subject and text name, and {@code labels.}, {@code values.}, {@code annotations.} when one of theirs is. */
    private final Set<String> names;

    private record Line(String literal, String field) {}

    private MessageTemplate(String file, List<Line> subject, List<List<Line>> lines) {
        this.file = file;
        this.subject = subject;
        this.lines = lines;
        Set<String> n = new java.util.HashSet<>();
        List<List<Line>> all = new ArrayList<>(lines);
        if (subject != null) all.add(subject);
        for (List<Line> line : all) {
            for (Line part : line) {
                if (part.field() == null) continue;
                n.add(part.field());
                for (String p : MAP_PREFIXES) if (part.field().startsWith(p)) n.add(p);
            }
        }
        this.names = Set.copyOf(n);
    }

    /**
     * Whether the template names {@code field} (or, for {@code labels.}, {@code values.}, {@code annotations.}, one
     * of their entries): a field no template line names need not be computed.
     */
    public boolean uses(String field) {
        return names.contains(field);
    }

    /** Parses {@code text}; errors name {@code file} and the line. */
    public static MessageTemplate parse(String file, String text, boolean needsSubject) {
        List<String> raw = List.of(text.replace("\r\n", "\n").split("\n", -1));
        int first = 0;
        List<Line> subject = null;
        if (!raw.isEmpty() && raw.get(0).regionMatches(true, 0, "Subject:", 0, 8)) {
            subject = parseLine(file, 1, raw.get(0).substring(8).trim());
            first = 1;
        } else if (needsSubject) {
            throw new SettingsException(
                    file,
                    "line 1",
                    "an e-mail template must start with a 'Subject: ...' line",
                    "add a first line such as 'Subject: [${severity}] ${summary}'");
        }
        List<List<Line>> lines = new ArrayList<>();
        int last = raw.size();
        while (last > first && raw.get(last - 1).isBlank()) last--;
        for (int i = first; i < last; i++) lines.add(parseLine(file, i + 1, raw.get(i)));
        if (lines.isEmpty()) {
            throw new SettingsException(
                    file, null, "the template is empty", "write the message text, e.g. '${summary}'");
        }
        return new MessageTemplate(file, subject, lines);
    }

    private static List<Line> parseLine(String file, int lineNo, String s) {
        List<Line> parts = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            int open = s.indexOf("${", i);
            if (open < 0) {
                parts.add(new Line(s.substring(i), null));
                break;
            }
            if (open > i) parts.add(new Line(s.substring(i, open), null));
            int close = s.indexOf('}', open);
            int nextOpen = s.indexOf("${", open + 2);
            if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
                throw new SettingsException(
                        file,
                        "line " + lineNo,
                        "'${' at column " + (open + 1) + " is never closed",
                        "close the placeholder with '}'");
            }
            String field = s.substring(open + 2, close).trim();
            if (!known(field)) {
                throw new SettingsException(
                        file,
                        "line " + lineNo,
                        "unknown field '${" + field + "}'",
                        "use one of " + FIELDS.stream().sorted().collect(Collectors.joining(", "))
                                + ", or labels.NAME, values.NAME, annotations.NAME");
            }
            parts.add(new Line(null, field));
            i = close + 1;
        }
        return parts;
    }

    private static boolean known(String field) {
        if (FIELDS.contains(field)) return true;
        for (String p : MAP_PREFIXES) {
            if (field.startsWith(p)
                    && field.length() > p.length()
                    && field.substring(p.length()).matches("[A-Za-z0-9_.\\-]+")) {
                return true;
            }
        }
        return false;
    }

    public String file() {
        return file;
    }

    public String renderSubject(Map<String, String> fields) {
        return subject == null ? null : renderLine(subject, fields, false);
    }

    public String render(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder();
        for (List<Line> line : lines) {
            String out = renderLine(line, fields, true);
            if (out == null) continue;
            if (sb.length() > 0) sb.append('\n');
            sb.append(out);
        }
        return sb.toString();
    }

    /** Null when the line has placeholders and every one of them is empty. */
    private static String renderLine(List<Line> line, Map<String, String> fields, boolean dropEmpty) {
        StringBuilder sb = new StringBuilder();
        boolean anyField = false;
        boolean anyValue = false;
        for (Line part : line) {
            if (part.field() == null) {
                sb.append(part.literal());
            } else {
                anyField = true;
                String v = fields.getOrDefault(part.field(), "");
                if (!v.isEmpty()) anyValue = true;
                sb.append(v);
            }
        }
        if (dropEmpty && anyField && !anyValue) return null;
        return sb.toString();
    }
}
