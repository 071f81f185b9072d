package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.opsrouter.notify.channel.SmsSegment;
import io.opsrouter.outbox.AlertView;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Notification.Kind;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.testing.RouterHarness;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the on-call phone shows, with the shipped templates: every shipped P1 rule's SMS fits one GSM-7 segment with
 * its severity and whole summary first, the value and the local time, and the short link whole at the end; the
 * notices after it say who acknowledged, how, and how long the alert was open.
 */
class PhoneMessagesTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** A public address longer than the shipped example's (https://ops.example.com). */
    static final String LINK = "https://ops.drainco-plumbing.com/a/7KQ2XM8P";

    static final ZoneId TORONTO = ZoneId.of("America/Toronto");
    /** 03:12 in Toronto (winter, -05:00). */
    static final Instant NIGHT = Instant.parse("2026-12-07T08:12:00Z");

    /** The longest value each placeholder of the shipped P1 summaries takes with the shipped monitors. */
    static final Map<String, String> WORST = Map.of(
            "monitor", "supabase-functions",
            "heartbeat", "nightly-db-job",
            "sender", "alertmanager-main",
            "schedule", "outbox-retention",
            "channel", "webhook",
            "alertname", "backup-missing",
            "backup_type", "incremental",
            "unprocessed_p1", "12",
            "days_left", "6");

    static final MessageTemplates SHIPPED = MessageTemplates.load(
                    RouterHarness.REPO, new HashSet<>(ChannelName.idList()))
            .inZone(TORONTO);

    record Rule(String name, String summary, String runbook) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Rule> shippedP1Rules() throws IOException {
        JsonNode rules = YAML.readTree(
                        RouterHarness.REPO.resolve("config/alert-rules.yaml").toFile())
                .get("rules");
        List<Rule> p1 = new ArrayList<>();
        for (JsonNode r : rules) {
            if (!"P1".equals(r.path("severity").asText())) continue;
            p1.add(new Rule(
                    r.get("name").asText(),
                    filled(r.get("summary").asText()),
                    r.path("runbook").asText(null)));
        }
        assertThat(p1).hasSizeGreaterThanOrEqualTo(5);
        return p1.stream();
    }

    static String filled(String summary) {
        Matcher m = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*}}").matcher(summary);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = WORST.get(m.group(1));
            assertThat(v)
                    .as("a worst-case value for {{%s}} in this test", m.group(1))
                    .isNotNull();
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The longest runbook sentence of the shipped monitors and heartbeats: the worst case for the SMS. */
    static String longestSentence() throws IOException {
        JsonNode root =
                YAML.readTree(RouterHarness.REPO.resolve("config/monitors.yaml").toFile());
        List<String> sentences = new ArrayList<>();
        root.findValues("runbook").forEach(n -> sentences.add(n.asText()));
        return sentences.stream().max(Comparator.comparingInt(String::length)).orElseThrow();
    }

    static Notification sms(Kind kind, String summary, String ruleRunbook, Map<String, String> notes) {
        AlertView a = new AlertView(
                "a-1",
                "fp1",
                kind == Kind.RESOLVED ? "resolved" : "firing",
                "P1",
                "alert",
                summary,
                ruleRunbook,
                Map.of("service", "frontend"),
                notes,
                Map.of("latency_seconds", 8.72E-7, "status_code", 503.0, "success", 0.0),
                NIGHT,
                NIGHT.plusSeconds(150));
        return new Notification(
                "k-" + kind,
                ChannelName.SMS,
                new Recipient("Pat", "+15145550123", null),
                kind,
                "P1",
                "severity=P1,service=frontend",
                List.of(a),
                kind == Kind.FIRING || kind == Kind.REMINDER ? LINK : null);
    }

    /** As the phone receives it: rendered, then cut to the channel's cap as the SMS channel does. */
    static String onThePhone(Notification n) {
        return SmsSegment.fit(SHIPPED.render(n).text(), SmsSegment.DEFAULT_MAX_SEGMENTS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shippedP1Rules")
    void everyShippedP1RulesSmsFitsOneSegmentWithTheSummaryFirstAndTheShortLinkLast(Rule rule) throws IOException {
        Map<String, String> notes = new TreeMap<>(
                Map.of("runbook", longestSentence(), "detail", "status == 200 (got 503); latency < 2s (got 8.72E-7)"));
        String text = onThePhone(sms(Kind.FIRING, rule.summary(), rule.runbook(), notes));
        assertThat(SmsSegment.isGsm7(text)).as(text).isTrue();
        assertThat(SmsSegment.segments(text)).as(text).isEqualTo(1);
        assertThat(text).as(text).startsWith("[P1] " + rule.summary() + "\n").endsWith("\n" + LINK);
        assertThat(text).as("the local time, with its offset").contains("\nSince 03:12 -05:00");
        assertThat(text).as("no repository path").doesNotContain("docs/").doesNotContain(".md#");
    }

    @Test
    void theSmsCarriesWhatToDoAndValuesForPeopleNotAPath() {
        Notification n = sms(
                Kind.FIRING,
                "frontend is unreachable",
                "docs/alerts.md#site-unreachable",
                Map.of("runbook", "Check the hosting provider's status page."));
        String text = onThePhone(n);
        assertThat(text)
                .isEqualTo(String.join(
                        "\n",
                        "[P1] frontend is unreachable",
                        "Since 03:12 -05:00: latency seconds 0.9 us",
                        "Check the hosting provider's status page.",
                        LINK));
        // e-mail and Slack keep the path, as a runbook link, and the values with their unit
        Notification mail = new Notification(
                "k-mail", ChannelName.EMAIL, n.recipient(), n.kind(), "P1", n.groupKey(), n.alerts(), n.ackUrl());
        String body = SHIPPED.render(mail).text();
        assertThat(body)
                .contains("What to do: Check the hosting provider's status page.")
                .contains("Runbook: docs/alerts.md#site-unreachable")
                .contains("latency_seconds=0.9 µs")
                .contains("First seen: Mon 7 Dec 03:12 -05:00");
    }

    @Test
    void theAcknowledgedNoticeSaysWhoHowAndHowLongItWasOpen() {
        Map<String, String> notes = Map.of(
                "acknowledged_by", "Pat Primary",
                "acknowledged_via", "link",
                "acknowledged_at", NIGHT.plus(Duration.ofSeconds(8 * 60 + 30)).toString());
        String text = onThePhone(sms(Kind.ACKNOWLEDGED, "frontend is unreachable", null, notes));
        assertThat(text)
                .isEqualTo("[P1] frontend is unreachable\n"
                        + "Acknowledged by Pat Primary via link at 03:20 -05:00, open 8m 30s\n"
                        + "latency seconds 0.9 us");
    }

    @Test
    void theResolvedNoticeSaysHowLongItWasOpenAndWhoAcknowledged() {
        Map<String, String> notes = Map.of(
                "acknowledged_by",
                "Pat Primary",
                "acknowledged_via",
                "sms",
                "acknowledged_at",
                NIGHT.plusSeconds(300).toString(),
                "resolved_at",
                NIGHT.plus(Duration.ofMinutes(74)).toString());
        Notification n = sms(Kind.RESOLVED, "frontend is unreachable", null, notes);
        assertThat(onThePhone(n))
                .contains("Resolved at 04:26 -05:00 after 1h 14m; acknowledged by Pat Primary by SMS reply");
        Notification slack =
                new Notification("k-slack", ChannelName.SLACK, null, n.kind(), "P1", n.groupKey(), n.alerts(), null);
        assertThat(SHIPPED.render(slack).text())
                .contains("Resolved at 04:26 -05:00 after 1h 14m; acknowledged by Pat Primary by SMS reply");
        // resolved by its signal, nobody acknowledged
        Notification quiet = sms(
                Kind.RESOLVED,
                "frontend is unreachable",
                null,
                Map.of("resolved_at", NIGHT.plusSeconds(200).toString()));
        assertThat(onThePhone(quiet))
                .contains("Resolved at 03:15 -05:00 after 3m 20s")
                .doesNotContain("acknowledged");
    }

    @Test
    void aMessageThatGoesOutLateSaysHowLate() {
        Notification n = sms(Kind.FIRING, "frontend is unreachable", null, Map.of());
        assertThat(SHIPPED.render(n, Duration.ofMinutes(12)).text()).contains("sent 12m late");
        assertThat(SHIPPED.render(n, Duration.ofSeconds(20)).text()).doesNotContain("sent ");
        assertThat(SHIPPED.render(n).text()).doesNotContain("sent ");
    }

    @Test
    void everyChannelsTemplateGetsTheSameFields() {
        Notification n = sms(Kind.FIRING, "frontend is unreachable", null, Map.of("runbook", "Do this."));
        Map<String, String> fields = MessageFields.of(n, TORONTO, Duration.ofMinutes(5));
        assertThat(fields.keySet())
                .containsAll(List.of(
                        "action",
                        "runbookLink",
                        "value",
                        "facts",
                        "event",
                        "ackedBy",
                        "openFor",
                        "localTime",
                        "firstSeenLocal",
                        "late"));
        for (ChannelName ch : ChannelName.values()) {
            Notification other = new Notification(
                    "k-" + ch, ch, n.recipient(), n.kind(), "P1", n.groupKey(), n.alerts(), n.ackUrl());
            assertThat(MessageFields.of(other, TORONTO, Duration.ofMinutes(5)).keySet())
                    .as(ch.id())
                    .isEqualTo(fields.keySet());
        }
        assertThat(MessageTemplate.FIELDS)
                .containsAll(
                        fields.keySet().stream().filter(k -> !k.contains(".")).toList());
    }

    @Test
    void theTimeZoneIsTheBusinessHoursZoneOfTheEscalationFile() {
        assertThat(MessageZone.of(RouterHarness.REPO, name -> null)).isEqualTo(TORONTO);
        assertThat(MessageZone.of(
                        RouterHarness.REPO, name -> name.equals("BUSINESS_HOURS_ZONE") ? "Europe/Paris" : null))
                .isEqualTo(ZoneId.of("Europe/Paris"));
    }
}
