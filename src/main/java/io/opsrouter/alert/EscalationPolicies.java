package io.opsrouter.alert;

import io.opsrouter.config.Env;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Recipient;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code config/escalation.yaml}: the people on call, the weekly rotation, business hours, and one policy per
 * severity: ordered steps, each after a delay since the previous one, each naming channels and who they reach.
 */
public record EscalationPolicies(
        Map<String, Person> people,
        Rotation rotation,
        String secondary,
        BusinessHours businessHours,
        Map<Severity, Policy> policies) {
    public static final String FILE = "config/escalation.yaml";
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    public record Person(String id, String name, String phone, String email) {
        public Recipient recipient() {
            return new Recipient(name, phone, email);
        }
    }

    /** Who is primary: members take turns, one week each, counted from start. */
    public record Rotation(List<String> members, LocalDateTime start, ZoneId zone) {
        public String primaryAt(Instant now) {
            long weeks = Math.floorDiv(
                    Duration.between(start.atZone(zone).toInstant(), now).getSeconds(), 7L * 24 * 3600);
            return members.get((int) Math.floorMod(weeks, (long) members.size()));
        }
    }

    public record BusinessHours(Set<DayOfWeek> days, LocalTime start, LocalTime end, ZoneId zone) {
        public boolean contains(Instant now) {
            ZonedDateTime t = now.atZone(zone);
            LocalTime lt = t.toLocalTime();
            return days.contains(t.getDayOfWeek()) && !lt.isBefore(start) && lt.isBefore(end);
        }
    }

    /** One channel of a step, to a target: primary, secondary, everyone (the rotation) or a person id. */
    public record Target(ChannelName channel, String to, boolean businessHoursOnly) {}

    public record Step(Duration after, List<Target> targets) {}

    /** Steps in order; after the last, a reminder to the last step's targets every {@code repeat}. */
    public record Policy(List<Step> steps, Duration repeat) {}

    public Policy policy(Severity s) {
        return policies.get(s);
    }

    /** The people a target reaches now. */
    public List<Person> resolve(String to, Instant now) {
        return switch (to) {
            case "primary" -> List.of(people.get(rotation.primaryAt(now)));
            case "secondary" -> {
                if (!"next".equals(secondary)) yield List.of(people.get(secondary));
                int i = rotation.members().indexOf(rotation.primaryAt(now));
                yield List.of(people.get(
                        rotation.members().get((i + 1) % rotation.members().size())));
            }
            case "everyone" -> {
                java.util.LinkedHashSet<Person> all = new java.util.LinkedHashSet<>();
                rotation.members().forEach(m -> all.add(people.get(m)));
                all.addAll(resolve("secondary", now));
                yield List.copyOf(all);
            }
            default -> List.of(people.get(to));
        };
    }

    // ---- the file's shape ----

    record FileShape(
            Map<String, PersonShape> people,
            RotationShape rotation,
            String secondary,
            HoursShape businessHours,
            Map<String, PolicyShape> policies) {}

    record PersonShape(String name, String phone, String email) {}

    record RotationShape(List<String> members, String start, String zone) {}

    record HoursShape(List<String> days, String start, String end, String zone) {}

    record PolicyShape(List<StepShape> steps, String repeat) {}

    record StepShape(
            String after,

            @com.fasterxml.jackson.annotation.JsonProperty("notify")
            List<TargetShape> targets) {}

    record TargetShape(String channel, String to, Boolean businessHoursOnly) {}

    public static EscalationPolicies load(Path file, Env env, Duration defaultRepeat) {
        return load(file, env, sev -> defaultRepeat);
    }

    /** {@code defaultRepeat}: a severity's repeat when its policy sets none (the rules' per-severity repeatInterval). */
    public static EscalationPolicies load(
            Path file, Env env, java.util.function.Function<Severity, Duration> defaultRepeat) {
        YamlFile y = new YamlFile(FILE);
        return from(y, y.read(file, env, FileShape.class), defaultRepeat);
    }

    static EscalationPolicies parse(String text, Env env, Duration defaultRepeat) {
        return parse(text, env, sev -> defaultRepeat);
    }

    static EscalationPolicies parse(
            String text, Env env, java.util.function.Function<Severity, Duration> defaultRepeat) {
        YamlFile y = new YamlFile(FILE);
        return from(y, y.parse(y.expand(text, env), FileShape.class), defaultRepeat);
    }

    private static EscalationPolicies from(
            YamlFile y, FileShape f, java.util.function.Function<Severity, Duration> defaultRepeat) {
        if (f.people() == null || f.people().isEmpty()) {
            throw y.error("people", "is missing", "list the people on call with name, phone (E.164) and e-mail");
        }
        Map<String, Person> people = new LinkedHashMap<>();
        for (var e : f.people().entrySet()) {
            String key = "people." + e.getKey();
            PersonShape p = e.getValue() == null ? new PersonShape(null, null, null) : e.getValue();
            String phone = blank(p.phone()) ? null : p.phone().trim().replaceAll("[\\s-]", "");
            String email = blank(p.email()) ? null : p.email().trim();
            if (phone != null && !E164.matcher(phone).matches()) {
                throw y.error(
                        key + ".phone",
                        p.phone(),
                        "'" + p.phone() + "' is not a phone number in E.164 form",
                        "write it with the country code, e.g. +15145550123");
            }
            if (email != null && !EMAIL.matcher(email).matches()) {
                throw y.error(
                        key + ".email",
                        p.email(),
                        "'" + p.email() + "' is not an e-mail address",
                        "write it like name@example.com");
            }
            people.put(
                    e.getKey(),
                    new Person(
                            e.getKey(), blank(p.name()) ? e.getKey() : p.name().trim(), phone, email));
        }
        RotationShape rs = f.rotation() == null ? new RotationShape(null, null, null) : f.rotation();
        List<String> members = rs.members() == null || rs.members().isEmpty()
                ? List.of(people.keySet().iterator().next())
                : List.copyOf(rs.members());
        for (String m : members) {
            if (!people.containsKey(m))
                throw y.error("rotation.members", "'" + m + "' is not one of people", "use a key from people:");
        }
        LocalDateTime start;
        try {
            start = blank(rs.start())
                    ? LocalDateTime.of(2026, 1, 5, 9, 0)
                    : LocalDateTime.parse(rs.start().trim());
        } catch (RuntimeException e) {
            throw y.error(
                    "rotation.start", "'" + rs.start() + "' is not a date and time", "write it like 2026-01-05T09:00");
        }
        Rotation rotation = new Rotation(members, start, AlertRules.zone(y, "rotation.zone", rs.zone()));
        String secondary = blank(f.secondary()) ? "next" : f.secondary().trim();
        if (!"next".equals(secondary) && !people.containsKey(secondary)) {
            throw y.error("secondary", "'" + secondary + "' is not one of people", "name a key from people:, or next");
        }
        HoursShape hs = f.businessHours() == null ? new HoursShape(null, null, null, null) : f.businessHours();
        Set<DayOfWeek> days = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);
        if (hs.days() != null && !hs.days().isEmpty()) {
            days = EnumSet.noneOf(DayOfWeek.class);
            for (String d : hs.days()) days.add(AlertRules.day(y, "businessHours.days", d));
        }
        BusinessHours hours = new BusinessHours(
                days,
                blank(hs.start()) ? LocalTime.of(9, 0) : AlertRules.time(y, "businessHours.start", hs.start()),
                blank(hs.end()) ? LocalTime.of(17, 0) : AlertRules.time(y, "businessHours.end", hs.end()),
                AlertRules.zone(y, "businessHours.zone", hs.zone()));

        Map<Severity, Policy> policies = new EnumMap<>(Severity.class);
        if (f.policies() != null) {
            for (var e : f.policies().entrySet()) {
                Severity sev;
                try {
                    sev = Severity.parse(e.getKey());
                } catch (IllegalArgumentException ex) {
                    throw y.error("policies." + e.getKey(), ex.getMessage(), "name policies P1, P2 and P3");
                }
                policies.put(sev, policy(y, "policies." + e.getKey(), e.getValue(), people, defaultRepeat.apply(sev)));
            }
        }
        for (Severity s : Severity.values()) {
            if (!policies.containsKey(s))
                throw y.error("policies." + s, "is missing", "give every severity (P1, P2, P3) a policy");
        }
        return new EscalationPolicies(Map.copyOf(people), rotation, secondary, hours, policies);
    }

    private static Policy policy(
            YamlFile y, String key, PolicyShape p, Map<String, Person> people, Duration defaultRepeat) {
        if (p == null || p.steps() == null || p.steps().isEmpty())
            throw y.error(key + ".steps", "is missing", "give at least one step");
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < p.steps().size(); i++) {
            StepShape s = p.steps().get(i);
            String sk = key + ".steps[" + i + "]";
            if (s == null || s.targets() == null || s.targets().isEmpty()) {
                throw y.error(sk + ".notify", "is missing", "list the channels this step notifies");
            }
            Duration after = y.duration(sk + ".after", s.after(), Duration.ZERO);
            if (i > 0 && after.isZero())
                throw y.error(sk + ".after", "is zero", "say how long after the previous step this one runs");
            List<Target> targets = new ArrayList<>();
            for (int j = 0; j < s.targets().size(); j++) {
                TargetShape t = s.targets().get(j);
                String tk = sk + ".notify[" + j + "]";
                if (t == null || blank(t.channel()))
                    throw y.error(tk + ".channel", "is missing", "name a channel: " + ChannelName.ids());
                String name = t.channel().trim();
                ChannelName ch = ChannelName.parse(name)
                        .orElseThrow(() -> y.error(
                                tk + ".channel", "'" + name + "' is not a channel", "use one of " + ChannelName.ids()));
                String to = blank(t.to()) ? null : t.to().trim();
                if (ch.personal() && to == null) {
                    throw y.error(
                            tk + ".to",
                            "is missing: " + ch + " goes to a person",
                            "set to: primary, secondary, everyone or a person id");
                }
                if (!ch.personal() && to != null) {
                    throw y.error(
                            tk + ".to", ch + " does not go to a person", "remove to: from this " + ch + " target");
                }
                if (to != null && !Set.of("primary", "secondary", "everyone").contains(to) && !people.containsKey(to)) {
                    throw y.error(
                            tk + ".to",
                            "'" + to + "' is neither primary, secondary, everyone nor one of people",
                            "use one of those");
                }
                targets.add(new Target(ch, to, Boolean.TRUE.equals(t.businessHoursOnly())));
            }
            steps.add(new Step(after, List.copyOf(targets)));
        }
        Duration repeat = y.duration(key + ".repeat", p.repeat(), defaultRepeat);
        if (repeat.isZero())
            throw y.error(key + ".repeat", "is zero", "say how often an unacknowledged alert is repeated, e.g. 15m");
        return new Policy(List.copyOf(steps), repeat);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
