package io.opsrouter.notify;

import static io.opsrouter.notify.PhoneMessagesTest.LINK;
import static io.opsrouter.notify.PhoneMessagesTest.NIGHT;
import static io.opsrouter.notify.PhoneMessagesTest.SHIPPED;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.notify.channel.SmsSegment;
import io.opsrouter.outbox.AlertView;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Notification.Kind;
import io.opsrouter.outbox.Recipient;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A second P1 of a service goes out at once in the group announced a moment ago: with the shipped templates, every
 * channel's message says which alerts are new (its summary marked {@code NEW: }) and which fired before; a group's
 * first message carries no mark.
 */
class NewAlertsMessageTest {
    static Notification second(ChannelName channel, String summary, String runbookSentence, List<String> earlier) {
        return second(
                channel, summary, runbookSentence, earlier, "status == 200 (got 503); latency < 2s (got 8.72E-7)");
    }

    static Notification second(
            ChannelName channel, String summary, String runbookSentence, List<String> earlier, String detail) {
        AlertView a = new AlertView(
                "a-2",
                "fp2",
                "firing",
                "P1",
                "supabase-auth",
                summary,
                "docs/alerts.md#site-unreachable",
                Map.of("service", "backend", "monitor", "supabase-auth"),
                detail == null
                        ? Map.of("runbook", runbookSentence)
                        : Map.of("runbook", runbookSentence, "detail", detail),
                Map.of("status_code", 503.0, "success", 0.0),
                NIGHT,
                NIGHT.plusSeconds(20));
        Recipient pat = channel == ChannelName.SMS || channel == ChannelName.EMAIL
                ? new Recipient("Pat", "+15145550123", "pat@example.com")
                : null;
        return new Notification(
                "fire:g1:2:" + channel.id(),
                channel,
                pat,
                Kind.FIRING,
                "P1",
                "severity=P1,service=backend",
                List.of(a),
                LINK,
                null,
                earlier);
    }

    @Test
    void everyChannelMarksTheNewAlertAndNamesTheOnesThatFiredBefore() {
        List<String> earlier = List.of("supabase-rest");
        String summary = "supabase-auth is unreachable";
        String sentence = "Check status.supabase.com and the project's Auth logs.";

        String slack = SHIPPED.render(second(ChannelName.SLACK, summary, sentence, earlier))
                .text();
        assertThat(slack.lines().findFirst().orElseThrow())
                .isEqualTo(":rotating_light: *[P1] firing*: NEW: supabase-auth is unreachable");
        assertThat(slack).contains("\nAlso firing: supabase-rest\n");

        RenderedMessage mail = SHIPPED.render(second(ChannelName.EMAIL, summary, sentence, earlier));
        assertThat(mail.subject()).isEqualTo("[P1] firing: NEW: supabase-auth is unreachable");
        assertThat(mail.text().lines().findFirst().orElseThrow()).isEqualTo("NEW: supabase-auth");
        assertThat(mail.text()).contains("\nAlso firing: supabase-rest\n");

        for (ChannelName ch : List.of(ChannelName.WEBHOOK, ChannelName.LOG)) {
            String text = SHIPPED.render(second(ch, summary, sentence, earlier)).text();
            assertThat(text.lines().findFirst().orElseThrow())
                    .as(ch.id())
                    .isEqualTo("[P1] firing: NEW: supabase-auth is unreachable");
        }

        // the SMS: the mark first; what fired before is its last line, the first cut when the text is long
        String sms = PhoneMessagesTest.onThePhone(second(ChannelName.SMS, summary, sentence, earlier));
        assertThat(sms)
                .startsWith("[P1] NEW: supabase-auth is unreachable\nSince 03:12 -05:00: ")
                .endsWith(LINK);
        assertThat(SmsSegment.segments(sms)).as(sms).isEqualTo(1);
        Notification shortOne = second(ChannelName.SMS, summary, "Check the Auth logs.", earlier, null);
        shortOne = new Notification(
                shortOne.idempotencyKey(),
                shortOne.channel(),
                shortOne.recipient(),
                shortOne.kind(),
                shortOne.severity(),
                shortOne.groupKey(),
                shortOne.alerts(),
                "https://ops.example.com/a/7KQ2XM8P",
                null,
                shortOne.earlier());
        String fits = PhoneMessagesTest.onThePhone(shortOne);
        assertThat(fits)
                .isEqualTo(String.join(
                        "\n",
                        "[P1] NEW: supabase-auth is unreachable",
                        "Since 03:12 -05:00: status code 503",
                        "Check the Auth logs.",
                        "Also firing: supabase-rest",
                        "https://ops.example.com/a/7KQ2XM8P"));
        assertThat(SmsSegment.segments(fits)).as(fits).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.opsrouter.notify.PhoneMessagesTest#shippedP1Rules")
    void everyShippedP1RulesNewAlertSmsFitsOneSegmentMarkedFirst(PhoneMessagesTest.Rule rule) throws IOException {
        List<String> earlier = List.of("supabase-functions", "supabase-rest", "frontend", "postgres", "tls-domain");
        String text = PhoneMessagesTest.onThePhone(
                second(ChannelName.SMS, rule.summary(), PhoneMessagesTest.longestSentence(), earlier));
        assertThat(SmsSegment.isGsm7(text)).as(text).isTrue();
        assertThat(SmsSegment.segments(text)).as(text).isEqualTo(1);
        assertThat(text)
                .as(text)
                .startsWith("[P1] NEW: " + rule.summary() + "\n")
                .endsWith("\n" + LINK);
    }

    @Test
    void aGroupsFirstMessageAndTheNoticesAfterItCarryNoMark() {
        for (ChannelName ch :
                List.of(ChannelName.SLACK, ChannelName.EMAIL, ChannelName.SMS, ChannelName.WEBHOOK, ChannelName.LOG)) {
            Notification first = second(ch, "supabase-auth is unreachable", "Check the logs.", null);
            RenderedMessage m = SHIPPED.render(first);
            assertThat(m.text()).as(ch.id()).doesNotContain("NEW").doesNotContain("Also firing");
            if (m.subject() != null) assertThat(m.subject()).doesNotContain("NEW");
        }
        Notification n = second(ChannelName.SLACK, "supabase-auth is unreachable", "Check the logs.", List.of("x"));
        Notification reminder = new Notification(
                n.idempotencyKey(),
                n.channel(),
                n.recipient(),
                Kind.REMINDER,
                n.severity(),
                n.groupKey(),
                n.alerts(),
                n.ackUrl(),
                null,
                n.earlier());
        assertThat(SHIPPED.render(reminder).text()).doesNotContain("NEW").doesNotContain("Also firing");
    }
}
