package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.notify.channel.SmsSegment;
import org.junit.jupiter.api.Test;

class SmsSegmentTest {
    static final String LINK = "https://ops.example.com/ack/abcdef0123456789";
    static final String WORDS =
            "Emergency call from 514-555-0199 unprocessed, caller waiting on the line about a flooded basement drain. ";

    @Test
    void shortGsmTextIsUnchanged() {
        assertThat(SmsSegment.fit("[P1] Site down")).isEqualTo("[P1] Site down");
        assertThat(SmsSegment.segments("[P1] Site down")).isEqualTo(1);
    }

    @Test
    void textThatFitsTheCapIsSentWhole() {
        String text = ("[P1] " + WORDS + WORDS).strip() + "\n" + LINK;
        assertThat(SmsSegment.length(text, true)).isBetween(161, 306);
        assertThat(SmsSegment.fit(text, 2)).isEqualTo(text);
        assertThat(SmsSegment.segments(text)).isEqualTo(2);
    }

    @Test
    void longGsmTextIsCutAtAWordToTheCapKeepingTheLink() {
        String text = "[P1] " + WORDS.repeat(11) + "\n" + LINK;
        assertThat(SmsSegment.segments(text))
                .as("the 17-segment SMS of the attack")
                .isGreaterThanOrEqualTo(8);
        String out = SmsSegment.fit(text, 2);
        assertThat(SmsSegment.length(out, true)).isLessThanOrEqualTo(2 * 153);
        assertThat(SmsSegment.segments(out)).isEqualTo(2);
        assertThat(out).startsWith("[P1] Emergency call").endsWith("...\n" + LINK);
        String beforeEllipsis = out.substring(0, out.indexOf("...\n"));
        assertThat(text).as("cut at a word boundary").contains(beforeEllipsis + " ");
        assertThat(SmsSegment.fit(text, 1))
                .endsWith("...\n" + LINK)
                .satisfies(o -> assertThat(SmsSegment.length(o, true)).isLessThanOrEqualTo(160));
        assertThat(SmsSegment.segments(SmsSegment.fit(text, 3))).isEqualTo(3);
    }

    @Test
    void extensionCharactersCountTwice() {
        String out = SmsSegment.fit("{}".repeat(200), 2);
        assertThat(SmsSegment.isGsm7(out)).isTrue();
        assertThat(SmsSegment.length(out, true)).isLessThanOrEqualTo(306);
        assertThat(SmsSegment.fit("{}".repeat(200), 1))
                .satisfies(o -> assertThat(SmsSegment.length(o, true)).isLessThanOrEqualTo(160));
    }

    @Test
    void oneCharacterOutsideGsm7SwitchesToUcs2Units() {
        String text = "Сайт недоступен ".repeat(20);
        String out = SmsSegment.fit(text, 2);
        assertThat(SmsSegment.isGsm7(out)).isFalse();
        assertThat(out.length()).isLessThanOrEqualTo(2 * 67);
        assertThat(out).endsWith("…");
        assertThat(text).as("cut at a word boundary").startsWith(out.substring(0, out.length() - 1) + " ");
        assertThat(SmsSegment.fit(text, 1).length()).isLessThanOrEqualTo(70);
        String curly = "Drain “flooded” " + "basement ".repeat(20);
        assertThat(SmsSegment.fit(curly, 2).length())
                .as("a curly quote makes it UCS-2")
                .isLessThanOrEqualTo(134);
    }

    @Test
    void whenTheLinkCannotFitTheCapStillHolds() {
        String text = "Сайт недоступен ".repeat(10) + LINK + "/" + "y".repeat(200);
        String out = SmsSegment.fit(text, 2);
        assertThat(out.length()).isLessThanOrEqualTo(2 * 67);
        assertThat(out).startsWith("Сайт недоступен").endsWith("…");
    }

    @Test
    void linesAreGivenUpFromTheBottomKeepingTheFirstLineAndTheLink() {
        String link = "https://ops.example.com/a/7KQ2XM8P";
        String summary = "[P1] frontend is unreachable";
        String facts = "Since 03:12 -05:00: status == 200 (got 503)";
        String action = "Check the hosting provider's status page and the last deploy of the web front end.";
        String text = String.join("\n", summary, facts, action, link);
        assertThat(SmsSegment.length(text, true)).isGreaterThan(160);
        // the last line before the link is shortened at a word
        String out = SmsSegment.fit(text, 1);
        assertThat(SmsSegment.length(out, true)).isLessThanOrEqualTo(160);
        assertThat(out)
                .startsWith(summary + "\n" + facts + "\nCheck the hosting")
                .endsWith("...\n" + link);
        // with less room, that line goes and the one above it is shortened
        String longer =
                String.join("\n", summary + " and has been for a while now, since the deploy", facts, action, link);
        String out2 = SmsSegment.fit(longer, 1);
        assertThat(SmsSegment.length(out2, true)).isLessThanOrEqualTo(160);
        assertThat(out2)
                .startsWith(summary + " and has been for a while now, since the deploy\nSince 03:12 -05:00")
                .doesNotContain("Check")
                .endsWith("\n" + link);
        // a first line too long on its own is cut, the link still whole
        String huge = String.join("\n", "[P1] " + "word ".repeat(60).strip(), facts, link);
        String out3 = SmsSegment.fit(huge, 1);
        assertThat(out3).startsWith("[P1] word word").endsWith("...\n" + link).doesNotContain("Since");
        assertThat(SmsSegment.length(out3, true)).isLessThanOrEqualTo(160);
    }

    @Test
    void commonNonGsmCharactersAreReplacedSoTheSmsStaysGsm7() {
        String t = SmsSegment.toGsm7("latency 0.9 \u00b5s \u2014 \u201cdown\u201d, it\u2019s\u2026");
        assertThat(t).isEqualTo("latency 0.9 us - \"down\", it's...");
        assertThat(SmsSegment.isGsm7(t)).isTrue();
        assertThat(SmsSegment.toGsm7("Сайт")).isEqualTo("Сайт");
        assertThat(SmsSegment.toGsm7("plain")).isEqualTo("plain");
    }
}
