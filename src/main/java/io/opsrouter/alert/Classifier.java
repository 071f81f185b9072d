package io.opsrouter.alert;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The content-based router over a signal's labels and values: the first rule of {@code config/alert-rules.yaml}
 * that matches decides severity, summary, runbook and {@code for}; and the group an alert is announced in.
 */
final class Classifier {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");

    private final AlertRules rules;

    Classifier(AlertRules rules) {
        this.rules = rules;
    }

    record Classified(Severity severity, String rule, String summary, String runbook, Duration forDuration) {}

    /** the first rule whose labels and values match decides; an explicit severity wins. */
    Classified classify(Signal s, Map<String, String> labels) {
        Map<String, String> seen = labels;
        if (!labels.containsKey("source")) {
            seen = new HashMap<>(labels);
            seen.put("source", s.source());
        }
        AlertRules.Rule rule = rules.classify(seen, s.values());
        Severity sev = s.severity() != null ? s.severity() : rule != null ? rule.severity() : Severity.P3;
        String summary = rule != null && rule.summary() != null
                ? render(rule.summary(), labels, s.values())
                : s.annotations().getOrDefault("summary", s.annotations().getOrDefault("description", s.name()));
        String runbook = rule != null && rule.runbook() != null
                ? rule.runbook()
                : s.annotations().getOrDefault("runbook_url", s.annotations().get("runbook"));
        return new Classified(
                sev,
                rule == null ? null : rule.name(),
                summary,
                runbook,
                rule == null ? Duration.ZERO : rule.forDuration());
    }

    static String render(String template, Map<String, String> labels, Map<String, Double> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String k = m.group(1);
            String v = labels.get(k);
            if (v == null && values.containsKey(k)) {
                // for people: a ratio as a percentage, seconds in their unit (docs/alerts.md "Summaries")
                v = io.opsrouter.outbox.HumanValues.value(k, values.get(k));
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? "" : v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    String groupKey(AlertRow r) {
        StringBuilder sb = new StringBuilder("severity=").append(r.severity.name());
        for (String l : rules.grouping().by())
            sb.append(',').append(l).append('=').append(r.labels.getOrDefault(l, ""));
        return sb.toString();
    }

    String groupId(AlertRow r) {
        return Fingerprint.ofText(groupKey(r));
    }
}
