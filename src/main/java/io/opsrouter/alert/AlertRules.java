package io.opsrouter.alert;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsrouter.config.Env;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code config/alert-rules.yaml}: how signals become alerts (rules, first match wins), how alerts are grouped
 * into messages, which alerts mute others (inhibition), and recurring maintenance windows.
 */
public record AlertRules(
        List<Rule> rules, Grouping grouping, List<Inhibition> inhibitions, List<MaintenanceWindow> maintenance) {
    public static final String FILE = "config/alert-rules.yaml";

    /**
     * One classification rule: labels and values to match, and what an alert that matches is.
     *
     * @param pageWithin how soon after the problem starts a P1 of this rule must reach a phone, when it is not
     *                   its {@code for} plus {@code router.page-budget.slack} (a certificate checked hourly); or null
     */
    public record Rule(
            String name,
            LabelMatcher matcher,
            List<ValueCondition> conditions,
            Duration forDuration,
            Severity severity,
            String summary,
            String runbook,
            Duration pageWithin) {
        public boolean matches(Map<String, String> labels, Map<String, Double> values) {
            if (!matcher.matches(labels)) return false;
            for (ValueCondition c : conditions) if (!c.test(values)) return false;
            return true;
        }
    }

    /**
     * How alerts are grouped into messages: {@code groupWait}, {@code groupInterval} and {@code repeatInterval} are
     * the defaults; {@code severities} overrides them per severity (a P1 is not held back by grouping).
     */
    public record Grouping(
            List<String> by,
            Duration groupWait,
            Duration groupInterval,
            Duration repeatInterval,
            Map<Severity, Timing> severities) {
        public Grouping {
            severities = severities == null ? Map.of() : Map.copyOf(severities);
        }

        public Grouping(List<String> by, Duration groupWait, Duration groupInterval, Duration repeatInterval) {
            this(by, groupWait, groupInterval, repeatInterval, Map.of());
        }

        /** The timings in force for alerts of severity {@code s}. */
        public Timing timing(Severity s) {
            Timing t = severities.get(s);
            return t != null ? t : new Timing(groupWait, groupInterval, repeatInterval);
        }

        public Duration groupWait(Severity s) {
            return timing(s).groupWait();
        }

        public Duration groupInterval(Severity s) {
            return timing(s).groupInterval();
        }

        public Duration repeatInterval(Severity s) {
            return timing(s).repeatInterval();
        }
    }

    /** One severity's grouping timings. */
    public record Timing(Duration groupWait, Duration groupInterval, Duration repeatInterval) {}

    public record Inhibition(String name, LabelMatcher source, LabelMatcher target, List<String> equal) {}

    /** A recurring silence: on the given days, from start for duration, in a time zone. */
    public record MaintenanceWindow(
            String name, LabelMatcher matcher, Set<DayOfWeek> days, LocalTime start, Duration duration, ZoneId zone) {
        public boolean activeAt(java.time.Instant now) {
            var local = now.atZone(zone);
            // a window that started yesterday may still be open after midnight
            for (int back = 0; back <= duration.toDays() + 1; back++) {
                var day = local.toLocalDate().minusDays(back);
                if (!days.contains(day.getDayOfWeek())) continue;
                var begin = day.atTime(start).atZone(zone).toInstant();
                if (!now.isBefore(begin) && now.isBefore(begin.plus(duration))) return true;
            }
            return false;
        }
    }

    /** The first rule that matches, or null. */
    public Rule classify(Map<String, String> labels, Map<String, Double> values) {
        for (Rule r : rules) if (r.matches(labels, values)) return r;
        return null;
    }

    // ---- the file's shape ----

    record FileShape(
            GroupingShape grouping,
            List<RuleShape> rules,
            List<InhibitShape> inhibitRules,
            List<WindowShape> maintenanceWindows) {}

    record GroupingShape(
            List<String> by,
            String groupWait,
            String groupInterval,
            String repeatInterval,
            Map<String, TimingShape> severity) {}

    record TimingShape(String groupWait, String groupInterval, String repeatInterval) {}

    record RuleShape(
            String name,
            Map<String, String> match,
            Map<String, String> matchRe,
            Map<String, String> values,
            @JsonProperty("for") String forDuration,
            String severity,
            String summary,
            String runbook,
            String pageWithin) {}

    record InhibitShape(
            String name,
            Map<String, String> sourceMatch,
            Map<String, String> sourceMatchRe,
            Map<String, String> targetMatch,
            Map<String, String> targetMatchRe,
            List<String> equal) {}

    record WindowShape(
            String name,
            Map<String, String> match,
            Map<String, String> matchRe,
            List<String> days,
            String start,
            String duration,
            String zone) {}

    public static AlertRules load(Path file, Env env) {
        YamlFile y = new YamlFile(FILE);
        return from(y, y.read(file, env, FileShape.class));
    }

    public static AlertRules parse(String text, Env env) {
        YamlFile y = new YamlFile(FILE);
        return from(y, y.parse(y.expand(text, env), FileShape.class));
    }

    private static AlertRules from(YamlFile y, FileShape f) {
        Grouping grouping = grouping(y, f.grouping());

        List<Rule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<RuleShape> rs = f.rules() == null ? List.of() : f.rules();
        for (int i = 0; i < rs.size(); i++) {
            RuleShape r = rs.get(i);
            String key = "rules[" + i + "]";
            if (r == null) throw y.error(key, "is empty", "give the rule a name, match and severity");
            if (r.name() == null || r.name().isBlank())
                throw y.error(key + ".name", "is missing", "give each rule a unique name");
            key = "rules[" + i + "] (" + r.name() + ")";
            if (!names.add(r.name())) throw y.error(key + ".name", "is used twice", "give each rule a unique name");
            if ((r.match() == null || r.match().isEmpty())
                    && (r.matchRe() == null || r.matchRe().isEmpty())) {
                throw y.error(
                        key,
                        "has no match or matchRe",
                        "say which labels the rule matches, e.g. match: {monitor: frontend}");
            }
            LabelMatcher m = y.matcher(key, r.match(), r.matchRe());
            List<ValueCondition> conds = new ArrayList<>();
            if (r.values() != null) {
                for (var e : r.values().entrySet()) {
                    y.labelName(key + ".values", e.getKey());
                    try {
                        conds.add(ValueCondition.parse(e.getKey(), e.getValue()));
                    } catch (IllegalArgumentException ex) {
                        throw y.error(
                                key + ".values." + e.getKey(),
                                ex.getMessage(),
                                "compare with <, <=, >, >=, == or != and a number");
                    }
                }
            }
            Severity sev;
            try {
                sev = Severity.parse(r.severity());
            } catch (IllegalArgumentException ex) {
                throw y.error(key + ".severity", ex.getMessage(), "use P1, P2 or P3");
            }
            if (sev == null) throw y.error(key + ".severity", "is missing", "use P1, P2 or P3");
            rules.add(new Rule(
                    r.name(),
                    m,
                    List.copyOf(conds),
                    y.duration(key + ".for", r.forDuration(), Duration.ZERO),
                    sev,
                    r.summary(),
                    r.runbook(),
                    pageWithin(y, key, r.pageWithin())));
        }

        List<Inhibition> inhibitions = new ArrayList<>();
        List<InhibitShape> is = f.inhibitRules() == null ? List.of() : f.inhibitRules();
        for (int i = 0; i < is.size(); i++) {
            InhibitShape s = is.get(i);
            String key = "inhibitRules[" + i + "]";
            if (s == null) throw y.error(key, "is empty", "give sourceMatch, targetMatch and equal");
            LabelMatcher src = y.matcher(key + ".source", s.sourceMatch(), s.sourceMatchRe());
            LabelMatcher tgt = y.matcher(key + ".target", s.targetMatch(), s.targetMatchRe());
            if (src.isEmpty() || tgt.isEmpty()) {
                throw y.error(key, "needs both a source and a target matcher", "set sourceMatch and targetMatch");
            }
            List<String> equal = s.equal() == null ? List.of() : List.copyOf(s.equal());
            for (String l : equal) y.labelName(key + ".equal", l);
            inhibitions.add(new Inhibition(s.name() == null ? key : s.name(), src, tgt, equal));
        }

        List<MaintenanceWindow> windows = new ArrayList<>();
        List<WindowShape> ws = f.maintenanceWindows() == null ? List.of() : f.maintenanceWindows();
        for (int i = 0; i < ws.size(); i++) {
            WindowShape w = ws.get(i);
            String key = "maintenanceWindows[" + i + "]";
            if (w == null) throw y.error(key, "is empty", "give name, match, days, start and duration");
            LabelMatcher m = y.matcher(key, w.match(), w.matchRe());
            if (m.isEmpty()) throw y.error(key, "has no match or matchRe", "say which alerts the window silences");
            Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);
            if (w.days() != null && !w.days().isEmpty()) {
                days = EnumSet.noneOf(DayOfWeek.class);
                for (String d : w.days()) days.add(day(y, key + ".days", d));
            }
            LocalTime start = time(y, key + ".start", w.start());
            Duration dur = y.duration(key + ".duration", w.duration(), null);
            if (dur == null || dur.isZero())
                throw y.error(key + ".duration", "is missing", "say how long the window lasts, e.g. 2h");
            windows.add(new MaintenanceWindow(
                    w.name() == null ? key : w.name(), m, days, start, dur, zone(y, key + ".zone", w.zone())));
        }
        return new AlertRules(List.copyOf(rules), grouping, List.copyOf(inhibitions), List.copyOf(windows));
    }

    private static Duration pageWithin(YamlFile y, String key, String text) {
        Duration d = y.duration(key + ".pageWithin", text, null);
        if (d != null && d.isZero())
            throw y.error(key + ".pageWithin", "is zero", "say how soon this rule's P1 must reach a phone, e.g. 2h");
        return d;
    }

    private static Grouping grouping(YamlFile y, GroupingShape shape) {
        GroupingShape g = shape == null ? new GroupingShape(null, null, null, null, null) : shape;
        List<String> by = g.by() == null ? List.of("alertname") : List.copyOf(g.by());
        for (String l : by) y.labelName("grouping.by", l);
        Timing defaults = timing(
                y,
                "grouping",
                new TimingShape(g.groupWait(), g.groupInterval(), g.repeatInterval()),
                new Timing(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(4)));
        Map<Severity, Timing> bySeverity = new java.util.EnumMap<>(Severity.class);
        if (g.severity() != null) {
            for (var e : g.severity().entrySet()) {
                String key = "grouping.severity." + e.getKey();
                Severity sev;
                try {
                    sev = Severity.parse(e.getKey());
                } catch (IllegalArgumentException ex) {
                    throw y.error(key, ex.getMessage(), "give timings for P1, P2 or P3");
                }
                if (e.getValue() == null)
                    throw y.error(
                            key, "is empty", "give groupWait, groupInterval or repeatInterval, e.g. {groupWait: 0s}");
                bySeverity.put(sev, timing(y, key, e.getValue(), defaults));
            }
        }
        return new Grouping(by, defaults.groupWait(), defaults.groupInterval(), defaults.repeatInterval(), bySeverity);
    }

    /** Timings under {@code key}; what is left out comes from {@code fallback}. */
    private static Timing timing(YamlFile y, String key, TimingShape t, Timing fallback) {
        Timing out = new Timing(
                y.duration(key + ".groupWait", t.groupWait(), fallback.groupWait()),
                y.duration(key + ".groupInterval", t.groupInterval(), fallback.groupInterval()),
                y.duration(key + ".repeatInterval", t.repeatInterval(), fallback.repeatInterval()));
        if (out.repeatInterval().isZero()) {
            throw y.error(
                    key + ".repeatInterval", "is zero", "set how often an unacknowledged alert is repeated, e.g. 4h");
        }
        return out;
    }

    static DayOfWeek day(YamlFile y, String key, String d) {
        String u = d == null ? "" : d.trim().toUpperCase();
        for (DayOfWeek w : DayOfWeek.values()) {
            if (w.name().equals(u) || w.name().substring(0, 3).equals(u)) return w;
        }
        throw y.error(key, "'" + d + "' is not a day of the week", "write MONDAY..SUNDAY or MON..SUN");
    }

    static LocalTime time(YamlFile y, String key, String t) {
        try {
            return LocalTime.parse(t == null ? "" : t.trim());
        } catch (RuntimeException e) {
            throw y.error(key, "'" + t + "' is not a time of day", "write it as HH:MM, e.g. \"02:00\" (quoted)");
        }
    }

    static ZoneId zone(YamlFile y, String key, String z) {
        if (z == null || z.isBlank()) return ZoneId.of("America/Toronto");
        try {
            return ZoneId.of(z.trim());
        } catch (RuntimeException e) {
            throw y.error(key, "'" + z + "' is not a time zone", "use a zone id such as America/Toronto or UTC");
        }
    }
}
