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
}
