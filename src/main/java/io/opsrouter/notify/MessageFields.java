package io.opsrouter.notify;

import io.opsrouter.outbox.AlertView;
import io.opsrouter.outbox.Digest;
import io.opsrouter.outbox.HumanValues;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Notification.Kind;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The values a template can name, taken from one notification; every channel's template gets the same ones.
 * Times are shown in the business-hours zone with their offset, values for people ({@link HumanValues}); what to do
 * ({@code action}) is a runbook sentence, never a path, and a path-like runbook is {@code runbookLink}.
 */
final class MessageFields {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm xxx", Locale.ROOT);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("EEE d MMM HH:mm xxx", Locale.ROOT);
    static final int MAX_VALUE = 60;

    private MessageFields() {}

    static Map<String, String> of(Notification n) {
        return of(n, ZoneOffset.UTC, null);
    }

    /**
     * @param zone the zone times are shown in (the business hours' zone)
     * @param late how late the message goes out (after a channel outage), or null when it is on time
     */
    static Map<String, String> of(Notification n, ZoneId zone, Duration late) {
        return of(n, zone, late, field -> true);
    }

    /**
     * Only the fields {@code wanted} accepts among the lists and formatted times ({@code labels}, {@code values},
     * {@code annotations}, {@code alerts}, {@code firstSeen}, {@code lastSeen}, {@code firstSeenLocal}, and the
     * entries under {@code labels.}, {@code values.}, {@code annotations.}), which cost the most and few templates
     * name; every other field is always there (the facts and event lines are built from them).
     */
    static Map<String, String> of(Notification n, ZoneId zone, Duration late, Predicate<String> wanted) {
        Map<String, String> f = new HashMap<>();
        f.put("severity", nz(n.severity()));
        f.put("kind", n.kind() == null ? "" : n.kind().label());
        f.put("channel", n.channel() == null ? "" : n.channel().id());
        f.put("groupKey", nz(n.groupKey()));
        f.put("ackUrl", nz(n.ackUrl()));
        f.put("count", Integer.toString(n.alerts().size()));
        f.put("recipient", n.recipient() == null ? "" : nz(n.recipient().name()));
        f.put("late", late == null || late.toSeconds() < 60 ? "" : "sent " + HumanValues.duration(late) + " late");
        List<AlertView> alerts = n.alerts();
        if (!alerts.isEmpty()) {
            AlertView a = alerts.get(0);
            Map<String, String> notes = a.annotations() == null ? Map.of() : a.annotations();
            f.put("name", nz(a.name()));
            f.put("summary", nz(a.summary()));
            f.put("runbook", nz(a.runbook()));
            // once someone acknowledged or it resolved, there is nothing left to tell people to do
            boolean settled = n.kind() == Kind.ACKNOWLEDGED || n.kind() == Kind.RESOLVED;
            f.put("action", settled ? "" : action(a, notes));
            f.put("runbookLink", runbookLink(a, notes));
            f.put("status", nz(a.status()));
            f.put("fingerprint", nz(a.fingerprint()));
            f.put("id", nz(a.id()));
            if (wanted.test("firstSeen")) f.put("firstSeen", io.opsrouter.log.LogZone.format(a.firstSeen()));
            if (wanted.test("lastSeen")) f.put("lastSeen", io.opsrouter.log.LogZone.format(a.lastSeen()));
            if (wanted.test("firstSeenLocal"))
                f.put(
                        "firstSeenLocal",
                        a.firstSeen() == null
                                ? ""
                                : DATE_TIME.format(a.firstSeen().atZone(zone)));
            if (wanted.test("labels")) f.put("labels", pairs(a.labels()));
            if (wanted.test("values")) f.put("values", readable(a.values()));
            f.put("value", value(a, notes));
            if (wanted.test("annotations")) f.put("annotations", pairs(notes));
            if (wanted.test("labels.")) put(f, "labels.", a.labels());
            if (a.values() != null && wanted.test("values."))
                a.values().forEach((k, v) -> f.put("values." + k, readable(k, v)));
            if (wanted.test("annotations.")) put(f, "annotations.", notes);
            Instant ackedAt = instant(notes.get("acknowledged_at"));
            Instant resolvedAt = instant(notes.get("resolved_at"));
            String ackedBy = ackedBy(notes);
            f.put("ackedBy", ackedBy);
            Instant at = n.kind() == Kind.ACKNOWLEDGED && ackedAt != null
                    ? ackedAt
                    : n.kind() == Kind.RESOLVED && resolvedAt != null ? resolvedAt : a.firstSeen();
            f.put("localTime", at == null ? "" : TIME.format(at.atZone(zone)));
            Instant end = n.kind() == Kind.RESOLVED ? resolvedAt : n.kind() == Kind.ACKNOWLEDGED ? ackedAt : null;
            String openFor = end == null || a.firstSeen() == null
                    ? ""
                    : HumanValues.duration(
                            Duration.between(a.firstSeen(), end).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            f.put("openFor", openFor);
            f.put("event", event(n.kind(), ackedBy, openFor, f.get("localTime")));
        } else {
            f.put("event", event(n.kind(), "", "", ""));
        }
        if (n.digest() != null) {
            // a digest's summary is what it stands for; the alerts it lists are the first few of those folded
            Digest d = n.digest();
            f.put("summary", d.text());
            f.put("link", nz(d.link()));
            f.put("folded", Integer.toString(d.messages()));
            int more = d.serviceCount() - d.services().size();
            f.put("services", String.join(", ", d.services()) + (more > 0 ? " and " + more + " more" : ""));
            f.put("name", "");
            f.put("runbook", "");
        }
        if (wanted.test("alerts"))
            f.put(
                    "alerts",
                    alerts.stream()
                            .map(a -> "- " + nz(a.name())
                                    + (a.summary() == null || a.summary().isBlank() ? "" : ": " + a.summary())
                                    + (a.labels() == null || a.labels().isEmpty()
                                            ? ""
                                            : " (" + pairs(a.labels()) + ")"))
                            .collect(Collectors.joining("\n")));
        f.put("facts", facts(f, n.kind()));
        newAlerts(f, n);
        return f;
    }

    /** The most earlier alerts {@code alsoFiring} names before "and N more". */
    static final int ALSO_FIRING_NAMED = 3;

    /**
     * Which alerts are new: a firing message that adds alerts to a group announced before (a second P1 of a
     * service, sent at once) marks its summary {@code NEW: } ({@code newMark}), names its alerts ({@code newAlerts})
     * and the group's earlier ones still firing ({@code alsoFiring}). A group's first message is all new: empty.
     */
    private static void newAlerts(Map<String, String> f, Notification n) {
        List<String> earlier = n.earlier();
        if (n.kind() != Kind.FIRING
                || earlier == null
                || earlier.isEmpty()
                || n.alerts().isEmpty()) {
            f.put("newMark", "");
            f.put("newAlerts", "");
            f.put("alsoFiring", "");
            return;
        }
        f.put("newMark", "NEW: ");
        f.put(
                "newAlerts",
                cut("NEW: " + n.alerts().stream().map(a -> nz(a.name())).collect(Collectors.joining(", ")), 120));
        int more = earlier.size() - ALSO_FIRING_NAMED;
        f.put(
                "alsoFiring",
                "Also firing: "
                        + String.join(", ", earlier.subList(0, Math.min(ALSO_FIRING_NAMED, earlier.size())))
                        + (more > 0 ? " and " + more + " more" : ""));
    }

    /** What happened, for the notices that are not a first page: who acknowledged and how, how long it was open. */
    static String event(Kind kind, String ackedBy, String openFor, String localTime) {
        if (kind == null) return "";
        return switch (kind) {
            case ESCALATION -> "Escalated: nobody acknowledged yet";
            case REMINDER -> "Reminder: still firing, nobody acknowledged";
            case ACKNOWLEDGED ->
                "Acknowledged" + (ackedBy.isEmpty() ? "" : " by " + ackedBy)
                        + (localTime.isEmpty() ? "" : " at " + localTime)
                        + (openFor.isEmpty() ? "" : ", open " + openFor);
            case RESOLVED ->
                "Resolved" + (localTime.isEmpty() ? "" : " at " + localTime)
                        + (openFor.isEmpty() ? "" : " after " + openFor)
                        + (ackedBy.isEmpty() ? "" : "; acknowledged by " + ackedBy);
            default -> "";
        };
    }

    /**
     * The line under the summary: since when (local time, for a firing alert), the most useful value, how late the
     * message is. The time comes first: an SMS that must be shortened cuts a line from its end.
     */
    private static String facts(Map<String, String> f, Kind kind) {
        StringBuilder sb = new StringBuilder();
        boolean firing = kind == Kind.FIRING || kind == Kind.ESCALATION || kind == Kind.REMINDER;
        String time = f.getOrDefault("localTime", "");
        if (firing && !time.isEmpty()) sb.append("Since ").append(time);
        String value = f.getOrDefault("value", "");
        if (!value.isEmpty()) sb.append(sb.length() > 0 ? ": " : "").append(value);
        String late = f.get("late");
        if (!late.isEmpty()) sb.append(sb.length() > 0 ? "; " : "").append(late);
        return sb.toString();
    }

    /** "Pat via link": who acknowledged and how, or empty. */
    private static String ackedBy(Map<String, String> notes) {
        String by = notes.get("acknowledged_by");
        if (by == null || by.isBlank()) return "";
        String via = notes.get("acknowledged_via");
        String how = via == null
                ? ""
                : switch (via) {
                    case "link" -> " via link";
                    case "sms" -> " by SMS reply";
                    case "api" -> " via API";
                    default -> " via " + via;
                };
        return by + how;
    }

    /** The most useful value: why the probe failed (its detail), else the first value other than success. */
    private static String value(AlertView a, Map<String, String> notes) {
        String detail = notes.get("detail");
        if (detail != null && !detail.isBlank() && !detail.equals("ok")) return cut(oneLine(detail), MAX_VALUE);
        if (a.values() == null) return "";
        for (Map.Entry<String, Double> e : new TreeMap<>(a.values()).entrySet()) {
            if (e.getKey().equals("success") || e.getValue() == null) continue;
            return cut(e.getKey().replace('_', ' ') + " " + readable(e.getKey(), e.getValue()), MAX_VALUE);
        }
        return "";
    }

    /** What to do: the first runbook that is a sentence (a monitor's, the rule's), never a path or a URL. */
    private static String action(AlertView a, Map<String, String> notes) {
        for (String r : new String[] {notes.get("runbook"), a.runbook()}) {
            if (r != null && !r.isBlank() && !pathLike(r)) return oneLine(r);
        }
        return "";
    }

    /** Where the runbook is: a path or URL (for e-mail and Slack), or empty. */
    private static String runbookLink(AlertView a, Map<String, String> notes) {
        for (String r : new String[] {a.runbook(), notes.get("runbook_url"), notes.get("runbook")}) {
            if (r != null && !r.isBlank() && pathLike(r)) return r.strip();
        }
        return "";
    }

    /** One word with a slash, a '#' or a scheme: {@code docs/alerts.md#site-unreachable}, {@code https://...}. */
    static boolean pathLike(String s) {
        String t = s.strip();
        return !t.isEmpty()
                && t.chars().noneMatch(Character::isWhitespace)
                && (t.contains("/") || t.contains("#") || t.contains("://"));
    }

    private static Instant instant(String s) {
        if (s == null || s.isBlank()) return null;
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3).stripTrailing() + "...";
    }

    private static void put(Map<String, String> f, String prefix, Map<String, ?> m) {
        if (m == null) return;
        m.forEach((k, v) -> f.put(prefix + k, v == null ? "" : v.toString()));
    }

    private static String pairs(Map<String, ?> m) {
        if (m == null || m.isEmpty()) return "";
        return new TreeMap<>(m)
                .entrySet().stream()
                        .map(e -> e.getKey() + "=" + (e.getValue() == null ? "" : e.getValue()))
                        .collect(Collectors.joining(", "));
    }

    /** Values for people: {@code latency_seconds=0.9 µs, used_ratio=93%}. */
    private static String readable(Map<String, Double> m) {
        if (m == null || m.isEmpty()) return "";
        return new TreeMap<>(m)
                .entrySet().stream()
                        .map(e -> e.getKey() + "=" + readable(e.getKey(), e.getValue()))
                        .collect(Collectors.joining(", "));
    }

    private static String readable(String name, Double v) {
        return v == null ? "" : HumanValues.value(name, v);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
