package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import io.opsrouter.testing.RouterHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each broken file under src/test/resources/alert/ is refused with the file, the key and the reason. */
class AlertConfigTest {
    static final Path FIXTURES = RouterHarness.REPO.resolve("src/test/resources/alert");
    static final Env NO_ENV = new Env(Map.of());

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "rules.bad-yaml.yaml              | config/alert-rules.yaml:4: | not valid YAML",
                "rules.unknown-key.yaml           | config/alert-rules.yaml:5: | sevrity",
                "rules.bad-duration.yaml          | rules[0] (slow).for        | '5 minutes' is not a duration",
                "rules.bad-severity.yaml          | rules[0] (loud).severity   | 'critical' is not a severity",
                "rules.bad-regex.yaml             | matchRe.monitor            | is not an RE2 regular expression: missing closing )",
                "rules.regex-lookahead.yaml       | matchRe.monitor            | is not an RE2 regular expression: invalid or unsupported Perl",
                "rules.bad-label-name.yaml        | grouping.by                | 'service-name' is not a label name",
                "rules.bad-value-condition.yaml   | values.days_left           | is not a comparison",
                "rules.no-match.yaml              | rules[0] (everything)      | has no match or matchRe",
                "rules.duplicate-name.yaml        | rules[1] (same).name       | is used twice",
                "rules.bad-window-time.yaml       | maintenanceWindows[0].start| '25:00' is not a time of day",
                "rules.inhibit-without-target.yaml| inhibitRules[0]            | needs both a source and a target",
            })
    void brokenRulesAreRefused(String file, String key, String reason) {
        assertThatThrownBy(() -> AlertRules.load(FIXTURES.resolve(file), NO_ENV))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("config/alert-rules.yaml")
                .hasMessageContaining(key.strip())
                .hasMessageContaining(reason.strip())
                .hasMessageContaining("(fix: ");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "rules.bad-grouping-severity.yaml | config/alert-rules.yaml:4: grouping.severity.P4: 'P4' is not a severity; use P1, P2 or P3 (fix: give timings for P1, P2 or P3)",
                "rules.grouping-severity-zero-repeat.yaml | config/alert-rules.yaml:3: grouping.severity.P3.repeatInterval: is zero (fix: set how often an unacknowledged alert is repeated, e.g. 4h)",
            })
    void brokenPerSeverityGroupingIsRefusedWithTheExactMessage(String file, String message) {
        assertThatThrownBy(() -> AlertRules.load(FIXTURES.resolve(file.strip()), NO_ENV))
                .isInstanceOf(SettingsException.class)
                .hasMessage(message.strip());
    }

    @Test
    void groupingTimingsPerSeverityOverrideTheDefaultsAndTheShippedP1IsNotHeldBack() {
        AlertRules rules = AlertRules.parse("""
                grouping:
                  by: [service]
                  groupWait: 10s
                  groupInterval: 5m
                  repeatInterval: 4h
                  severity:
                    P1: {groupWait: 0s, groupInterval: 0s}
                    P3: {repeatInterval: 12h}
                rules: []
                """, NO_ENV);
        AlertRules.Grouping g = rules.grouping();
        assertThat(g.timing(Severity.P1))
                .isEqualTo(new AlertRules.Timing(Duration.ZERO, Duration.ZERO, Duration.ofHours(4)));
        assertThat(g.timing(Severity.P2))
                .isEqualTo(new AlertRules.Timing(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofHours(4)));
        assertThat(g.timing(Severity.P3))
                .isEqualTo(new AlertRules.Timing(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofHours(12)));

        AlertRules shipped = AlertRules.load(RouterHarness.REPO.resolve("config/alert-rules.yaml"), NO_ENV);
        assertThat(shipped.grouping().groupWait(Severity.P1)).isZero();
        assertThat(shipped.grouping().groupInterval(Severity.P1)).isZero();
        assertThat(shipped.grouping().groupWait(Severity.P2)).isPositive();
        assertThat(shipped.grouping().groupInterval(Severity.P3)).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "escalation.unknown-channel.yaml        | policies.P1.steps[0].notify[0].channel | 'pager' is not a channel",
                "escalation.bad-phone.yaml              | people.primary.phone                   | not a phone number in E.164 form",
                "escalation.bad-email.yaml              | people.primary.email                   | 'pat-at-example.com' is not an e-mail address",
                "escalation.bad-duration.yaml           | policies.P1.steps[1].after             | 'soon' is not a duration",
                "escalation.unknown-person.yaml         | policies.P1.steps[0].notify[0].to      | 'carol' is neither",
                "escalation.missing-policy.yaml         | policies.P2                            | is missing",
                "escalation.sms-without-to.yaml         | policies.P1.steps[0].notify[0].to      | sms goes to a person",
                "escalation.unknown-rotation-member.yaml| rotation.members                       | 'carol' is not one of people",
                "escalation.bad-zone.yaml               | businessHours.zone                     | 'Mars/Olympus' is not a time zone",
            })
    void brokenPoliciesAreRefused(String file, String key, String reason) {
        assertThatThrownBy(() -> EscalationPolicies.load(FIXTURES.resolve(file), NO_ENV, Duration.ofHours(4)))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("config/escalation.yaml")
                .hasMessageContaining(key.strip())
                .hasMessageContaining(reason.strip());
    }

    @Test
    void shippedPoliciesReadOnCallPeopleAndDelaysFromTheEnvironment() {
        Path file = RouterHarness.REPO.resolve("config/escalation.yaml");
        EscalationPolicies defaults = EscalationPolicies.load(file, NO_ENV, Duration.ofHours(4));
        assertThat(defaults.policy(Severity.P1).steps())
                .extracting(EscalationPolicies.Step::after)
                .containsExactly(Duration.ZERO, Duration.ofMinutes(5), Duration.ofMinutes(5));
        assertThat(defaults.policy(Severity.P1).repeat()).isEqualTo(Duration.ofMinutes(15));
        assertThat(defaults.policy(Severity.P2).steps().get(1).after()).isEqualTo(Duration.ofMinutes(30));
        assertThat(defaults.policy(Severity.P3).steps().get(0).targets())
                .extracting(t -> t.channel().id())
                .containsExactly("slack");
        assertThat(defaults.people().get("primary").phone()).isNull();

        Map<String, String> env = new HashMap<>();
        env.put("ONCALL_PRIMARY_NAME", "Pat");
        env.put("ONCALL_PRIMARY_PHONE", "+1 514 555 0001");
        env.put("ONCALL_PRIMARY_EMAIL", "pat@example.com");
        env.put("ONCALL_SECONDARY_NAME", "Lee Lead");
        env.put("ONCALL_SECONDARY_PHONE", "+15145550002");
        env.put("ESCALATION_P1_DELAY", "2m");
        env.put("ESCALATION_P2_DELAY", "10m");
        EscalationPolicies p = EscalationPolicies.load(file, new Env(env), Duration.ofHours(4));
        assertThat(p.resolve("primary", Instant.now()))
                .extracting(EscalationPolicies.Person::phone)
                .containsExactly("+15145550001");
        assertThat(p.resolve("secondary", Instant.now()))
                .extracting(EscalationPolicies.Person::name)
                .containsExactly("Lee Lead");
        assertThat(p.resolve("everyone", Instant.now()))
                .extracting(EscalationPolicies.Person::name)
                .containsExactly("Pat", "Lee Lead");
        assertThat(p.policy(Severity.P1).steps().get(2).after()).isEqualTo(Duration.ofMinutes(2));
        assertThat(p.policy(Severity.P2).steps().get(1).after()).isEqualTo(Duration.ofMinutes(10));
        // 10:00 on a Tuesday in Toronto is business time; 22:00 is not
        assertThat(p.businessHours().contains(Instant.parse("2026-11-24T15:00:00Z")))
                .isTrue();
        assertThat(p.businessHours().contains(Instant.parse("2026-11-25T03:00:00Z")))
                .isFalse();

        assertThatThrownBy(() -> EscalationPolicies.load(
                        file, new Env(Map.of("ONCALL_PRIMARY_PHONE", "call me")), Duration.ofHours(4)))
                .hasMessageContaining("people.primary.phone")
                .hasMessageContaining("E.164");
        assertThatThrownBy(() -> EscalationPolicies.load(
                        file, new Env(Map.of("ESCALATION_P1_DELAY", "5 min")), Duration.ofHours(4)))
                .hasMessageContaining("policies.P1.steps[1].after");
    }

    @Test
    void rotationChangesPrimaryEveryWeek() {
        EscalationPolicies p = EscalationPolicies.parse("""
                people:
                  ann: {phone: "+15145550001"}
                  bob: {phone: "+15145550002"}
                  lee: {phone: "+15145550003"}
                rotation: {members: [ann, bob], start: "2026-01-05T09:00", zone: America/Toronto}
                secondary: lee
                policies:
                  P1: {steps: [{notify: [{channel: sms, to: primary}]}]}
                  P2: {steps: [{notify: [{channel: sms, to: primary}]}]}
                  P3: {steps: [{notify: [{channel: slack}]}]}
                """, NO_ENV, Duration.ofHours(4));
        Instant monday = Instant.parse("2026-01-05T14:00:00Z"); // 09:00 Toronto
        assertThat(p.rotation().primaryAt(monday)).isEqualTo("ann");
        assertThat(p.rotation().primaryAt(monday.plus(Duration.ofDays(7)))).isEqualTo("bob");
        assertThat(p.rotation().primaryAt(monday.plus(Duration.ofDays(14)))).isEqualTo("ann");
        assertThat(p.rotation().primaryAt(monday.minusSeconds(60))).isEqualTo("bob");
        assertThat(p.resolve("everyone", monday))
                .extracting(EscalationPolicies.Person::id)
                .containsExactly("ann", "bob", "lee");
    }

    @Test
    void shippedRulesClassifyEveryShippedMonitor() {
        AlertRules rules = AlertRules.load(RouterHarness.REPO.resolve("config/alert-rules.yaml"), NO_ENV);
        assertThat(rule(
                        rules,
                        Map.of("source", "probe", "monitor", "frontend", "kind", "http"),
                        Map.of("success", 0.0)))
                .isEqualTo("site-unreachable P1 2m");
        assertThat(rule(rules, Map.of("source", "probe", "monitor", "supabase-auth", "kind", "http"), Map.of()))
                .isEqualTo("site-unreachable P1 2m");
        assertThat(rule(
                        rules,
                        Map.of("source", "probe", "monitor", "call-error-rate", "kind", "sql"),
                        Map.of("error_rate", 0.15)))
                .isEqualTo("call-error-rate-high P2 5m");
        assertThat(rule(
                        rules,
                        Map.of("source", "probe", "monitor", "p1-unprocessed", "kind", "sql"),
                        Map.of("unprocessed_p1", 2.0)))
                .isEqualTo("p1-calls-unprocessed P1 0s");
        assertThat(rule(
                        rules,
                        Map.of("source", "probe", "monitor", "tls-domain", "kind", "tls"),
                        Map.of("days_left", 20.0)))
                .isEqualTo("tls-expires-within-30-days P2 0s");
        assertThat(rule(
                        rules,
                        Map.of("source", "probe", "monitor", "tls-domain", "kind", "tls"),
                        Map.of("days_left", 6.0)))
                .isEqualTo("tls-expires-within-7-days P1 0s");
        assertThat(rule(
                        rules,
                        Map.of("source", "probe", "monitor", "revenue-week-over-week", "kind", "sql"),
                        Map.of("revenue_change_ratio", -0.25)))
                .isEqualTo("revenue-down-week-over-week P2 0s");
        assertThat(rule(
                        rules,
                        Map.of("source", "backup", "alertname", "backup-missing", "service", "backup"),
                        Map.of()))
                .isEqualTo("backup-failed-or-missing P1 0s");
        assertThat(rule(
                        rules,
                        Map.of("source", "probe", "monitor", "postgres", "kind", "pg"),
                        Map.of("connections_used_ratio", 0.95)))
                .isEqualTo("database-connections-high P2 0s");
        assertThat(rule(rules, Map.of("source", "probe", "monitor", "postgres", "kind", "pg"), Map.of("success", 0.0)))
                .isEqualTo("database-unreachable P1 2m");
        assertThat(rule(rules, Map.of("source", "router", "alertname", "channel-failing", "channel", "sms"), Map.of()))
                .isEqualTo("channel-failing P1 0s");
        assertThat(rule(rules, Map.of("source", "probe", "monitor", "vapi-api", "kind", "http"), Map.of()))
                .isEqualTo("dependency-unreachable P2 2m");
        assertThat(rules.classify(Map.of("source", "probe", "monitor", "call-volume"), Map.of()))
                .isNull();
        assertThat(rules.grouping().by()).containsExactly("service");
    }

    private static String rule(AlertRules rules, Map<String, String> labels, Map<String, Double> values) {
        AlertRules.Rule r = rules.classify(labels, values);
        return r == null
                ? null
                : r.name() + " " + r.severity() + " " + io.opsrouter.config.Durations.format(r.forDuration());
    }

    @Test
    void summariesFillPlaceholdersFromLabelsAndValues() {
        assertThat(Classifier.render(
                        "{{monitor}} expires in {{days_left}} days ({{ ratio }}, {{score}}, {{missing}})",
                        Map.of("monitor", "tls-domain"),
                        Map.of("days_left", 6.0, "ratio", 0.9567, "score", 0.9567)))
                // values for people: a ratio as a percentage, other numbers plain (outbox.HumanValues)
                .isEqualTo("tls-domain expires in 6 days (96%, 0.957, )");
    }

    @Test
    void fingerprintIsAlertmanagersFnv1a() {
        // prometheus/common model tests: LabelSet{} and {"name": "garland, briggs", "fear": "love is not enough"}
        assertThat(Fingerprint.of(Map.of()))
                .isEqualTo(String.format("%016x", Long.parseUnsignedLong("14695981039346656037")));
        assertThat(Fingerprint.of(Map.of("name", "garland, briggs", "fear", "love is not enough")))
                .isEqualTo(String.format("%016x", Long.parseUnsignedLong("5799056148416392346")));
        Map<String, String> a = new java.util.LinkedHashMap<>();
        a.put("b", "2");
        a.put("a", "1");
        assertThat(Fingerprint.of(a))
                .isEqualTo(Fingerprint.of(new java.util.TreeMap<>(a)))
                .hasSize(16);
        assertThat(Fingerprint.of(Map.of("a", "1b"))).isNotEqualTo(Fingerprint.of(Map.of("a1", "b")));
    }
}
