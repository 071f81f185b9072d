package io.opsrouter.budget;

import io.opsrouter.alert.AlertRules;
import io.opsrouter.alert.Severity;
import io.opsrouter.config.Durations;
import io.opsrouter.probe.Monitor;
import io.opsrouter.probe.MonitorsFile;
import io.opsrouter.probe.ProbeSignals;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quartz.CronExpression;

/**
 * The time-to-page budget: for each monitor and each rule that can make its signal a P1, the worst-case time from the
 * real failure to a delivered message, and the promise it is held to. Pure: files in, figures out.
 *
 * <pre>
 *   budget = interval                    the failure starts just after a run: the next run is an interval away
 *          + max(for + sweep,            the rule's 'for' counts from that first failing run; a sweep promotes it
 *                confirm)                or the monitor is confirmed down later than that: timeout, then
 *                                        (failureThreshold - 1) re-checks each retryInterval + timeout apart
 *          + group wait (+ sweep)        of the P1 severity (0s: sent in the same transaction)
 *          + channel allowance           claim and one send within its timeout
 *   promise = the rule's pageWithin, or its 'for' + router.page-budget.slack
 * </pre>
 */
public final class PageBudget {
    private PageBudget() {}

    /** One monitor and one rule that can page with a P1 through it. */
    public record Line(
            String monitor,
            boolean enabled,
            String rule,
            Duration budget,
            Duration promise,
            String breakdown,
            String promiseText) {
        public boolean overPromise() {
            return budget.compareTo(promise) > 0;
        }

        /** e.g. {@code frontend -> site-unreachable (P1): 2m30s at worst, promise 3m (...)}. */
        public String info() {
            return "page budget: monitor " + monitor + (enabled ? "" : " (disabled)") + " -> rule "
                    + (rule == null ? "(none)" : rule) + " (P1): " + text(budget) + " at worst from the failure to"
                    + " the phone = " + breakdown + "; promise " + text(promise) + " (" + promiseText + ")";
        }

        public String warning() {
            return MonitorsFile.DEFAULT_FILE + ": monitor " + monitor + " -> " + AlertRules.FILE + " rule "
                    + (rule == null ? "(none)" : rule) + ": a P1 may reach the phone " + text(budget)
                    + " after the failure, later than its promise of " + text(promise) + " (" + promiseText
                    + ") (fix: shorten the monitor's interval or retryInterval, the P1 groupWait, or give the rule"
                    + " pageWithin)";
        }
    }

    public static List<Line> of(List<Monitor> monitors, AlertRules rules, PageBudgetSettings settings, Instant now) {
        List<Line> out = new ArrayList<>();
        for (Monitor m : monitors) {
            for (AlertRules.Rule r : p1Rules(m, rules)) out.add(line(m, r, rules, settings, now));
        }
        return out;
    }

    /** The rules that can classify this monitor's signal as P1, in file order (null: no rule, the monitor's P1). */
    static List<AlertRules.Rule> p1Rules(Monitor m, AlertRules rules) {
        Map<String, String> labels = new LinkedHashMap<>(m.labels());
        labels.put("alertname", m.id());
        labels.put("monitor", m.id());
        labels.put("kind", m.kind().label());
        labels.put("source", ProbeSignals.SOURCE);
        List<AlertRules.Rule> out = new ArrayList<>();
        boolean decided = false;
        for (AlertRules.Rule r : rules.rules()) {
            if (!r.matcher().matches(labels)) continue;
            Severity sev = m.severity() != null ? m.severity() : r.severity();
            if (sev == Severity.P1) out.add(r);
            // a rule without value conditions takes every signal that reaches it: the later ones never see any
            if (r.conditions().isEmpty()) {
                decided = true;
                break;
            }
        }
        if (!decided && m.severity() == Severity.P1) out.add(null);
        return out;
    }

    static Line line(Monitor m, AlertRules.Rule r, AlertRules rules, PageBudgetSettings s, Instant now) {
        Duration interval = m.cron() != null ? longestCronGap(m.cron(), now) : m.interval();
        Duration timeout = m.timeout();
        Duration retry = m.retryInterval();
        int threshold = m.failureThreshold();
        Duration confirm = timeout.plus(retry.plus(timeout).multipliedBy(threshold - 1L));
        if (!m.forDuration().isZero())
            confirm = max(confirm, m.forDuration().plus(retry).plus(timeout));
        Duration ruleFor = r == null ? Duration.ZERO : r.forDuration();
        Duration firing;
        String firingText;
        if (ruleFor.compareTo(confirm) > 0) {
            firing = ruleFor.plus(s.sweep());
            firingText = "for " + text(ruleFor) + " + sweep " + text(s.sweep());
        } else {
            firing = confirm;
            firingText = "confirmed " + text(confirm) + " (timeout " + text(timeout)
                    + (threshold > 1 ? " + " + (threshold - 1) + " x (retry " + text(retry) + " + timeout)" : "")
                    + (m.forDuration().isZero() ? "" : ", monitor for " + text(m.forDuration())) + ")";
        }
        Duration wait = rules.grouping().groupWait(Severity.P1);
        Duration grouping = wait.isZero() ? Duration.ZERO : wait.plus(s.sweep());
        Duration budget = interval.plus(firing).plus(grouping).plus(s.channel());
        String breakdown = (m.cron() != null ? "cron gap " : "interval ") + text(interval) + " + " + firingText
                + " + P1 group wait " + text(grouping) + " + channel " + text(s.channel());
        Duration promise;
        String promiseText;
        if (r != null && r.pageWithin() != null) {
            promise = r.pageWithin();
            promiseText = "the rule's pageWithin";
        } else {
            promise = ruleFor.plus(s.slack());
            promiseText = "for " + text(ruleFor) + " + " + PageBudgetSettings.SLACK + " " + text(s.slack());
        }
        return new Line(m.id(), m.enabled(), r == null ? null : r.name(), budget, promise, breakdown, promiseText);
    }

    /** The longest gap between two runs of a cron schedule over the next few hundred runs. */
    static Duration longestCronGap(String cron, Instant now) {
        try {
            CronExpression c = new CronExpression(cron);
            Date at = c.getNextValidTimeAfter(Date.from(now));
            long longest = 0;
            for (int i = 0; i < 400 && at != null; i++) {
                Date next = c.getNextValidTimeAfter(at);
                if (next == null) break;
                longest = Math.max(longest, next.getTime() - at.getTime());
                at = next;
            }
            return Duration.ofMillis(longest);
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String text(Duration d) {
        long s = d.toSeconds();
        if (d.toMillis() % 1000 != 0 || s < 60) return Durations.format(d);
        String out = (s >= 3600 ? s / 3600 + "h" : "")
                + (s % 3600 >= 60 ? s % 3600 / 60 + "m" : "")
                + (s % 60 > 0 ? s % 60 + "s" : "");
        return out;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
