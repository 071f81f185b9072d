package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.notify.channel.SmsSegment;
import org.junit.jupiter.api.Test;

class SmsSegmentTest {
    static final String LINK = "https://ops.example.com/ack/abcdef0123456789";

    @Test
    void shortGsmTextIsUnchanged() {
        assertThat(SmsSegment.fit("[P1] Site down")).isEqualTo("[P1] Site down");
    }

    @Test
    void longGsmTextIsCutTo160KeepingTheLink() {
        String out = SmsSegment.fit("[P1] " + "x".repeat(300) + "\n" + LINK);
        assertThat(SmsSegment.length(out, true)).isLessThanOrEqualTo(160);
        assertThat(out).startsWith("[P1] xxx").endsWith("...\n" + LINK);
    }

    @Test
    void extensionCharactersCountTwice() {
        String out = SmsSegment.fit("{}".repeat(100));
        assertThat(SmsSegment.isGsm7(out)).isTrue();
        assertThat(SmsSegment.length(out, true)).isLessThanOrEqualTo(160);
    }

    @Test
    void unicodeTextIsCutTo70Units() {
        String out = SmsSegment.fit("Сайт недоступен ".repeat(10));
        assertThat(SmsSegment.isGsm7(out)).isFalse();
        assertThat(out.length()).isLessThanOrEqualTo(70);
        assertThat(out).endsWith("…");
    }

    @Test
    void whenTheLinkCannotFitTheWholeMessageIsSent() {
        String text = "Сайт недоступен ".repeat(10) + LINK + "/" + "y".repeat(60);
        assertThat(SmsSegment.fit(text)).isEqualTo(text.strip());
    }
}
