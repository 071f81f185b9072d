package io.opsrouter.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class HumanValuesTest {

    @Test
    void secondsReadAsTheUnitAPersonWouldSay() {
        assertThat(HumanValues.value("latency_seconds", 8.72E-7)).isEqualTo("0.9 µs");
        assertThat(HumanValues.seconds(1.2E-8)).isEqualTo("12 ns");
        assertThat(HumanValues.seconds(0.25)).isEqualTo("250 ms");
        assertThat(HumanValues.seconds(0.0042)).isEqualTo("4.2 ms");
        assertThat(HumanValues.seconds(2.5)).isEqualTo("2.5 s");
        assertThat(HumanValues.seconds(42)).isEqualTo("42 s");
        assertThat(HumanValues.seconds(150)).isEqualTo("2m 30s");
        assertThat(HumanValues.seconds(0)).isEqualTo("0 s");
        assertThat(HumanValues.seconds(0.99999)).isEqualTo("1 s");
        assertThat(HumanValues.seconds(0.6)).isEqualTo("0.6 s");
        assertThat(HumanValues.seconds(-0.25)).isEqualTo("-250 ms");
    }

    @Test
    void ratiosArePercentages() {
        assertThat(HumanValues.value("connections_used_ratio", 0.934)).isEqualTo("93%");
        assertThat(HumanValues.value("error_rate_ratio", 0.005)).isEqualTo("0.5%");
        assertThat(HumanValues.value("revenue_change_ratio", -0.2)).isEqualTo("-20%");
        assertThat(HumanValues.percent(1)).isEqualTo("100%");
        assertThat(HumanValues.value("disk_used_percent", 87.25)).isEqualTo("87%");
    }

    @Test
    void bytesAreKilobytesAndMegabytes() {
        assertThat(HumanValues.value("size_bytes", 512)).isEqualTo("512 B");
        assertThat(HumanValues.bytes(1536)).isEqualTo("1.5 KB");
        assertThat(HumanValues.bytes(5L * 1024 * 1024)).isEqualTo("5 MB");
        assertThat(HumanValues.bytes(1023.99)).isEqualTo("1 KB");
        assertThat(HumanValues.bytes(3.2 * 1024 * 1024 * 1024)).isEqualTo("3.2 GB");
    }

    @Test
    void durationsShowTheirTwoLargestUnits() {
        assertThat(HumanValues.duration(Duration.ofSeconds(150))).isEqualTo("2m 30s");
        assertThat(HumanValues.duration(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(HumanValues.duration(Duration.ofMinutes(65))).isEqualTo("1h 5m");
        assertThat(HumanValues.duration(Duration.ofHours(76))).isEqualTo("3d 4h");
        assertThat(HumanValues.duration(Duration.ofHours(2))).isEqualTo("2h");
    }

    @Test
    void plainNumbersKeepWholeNumbersAndNeverUseAnExponent() {
        assertThat(HumanValues.value("unprocessed_p1", 3.0)).isEqualTo("3");
        assertThat(HumanValues.value("status_code", 500)).isEqualTo("500");
        assertThat(HumanValues.number(0.000123456)).isEqualTo("0.000123");
        assertThat(HumanValues.number(1234.5678)).isEqualTo("1234.6");
        assertThat(HumanValues.value("x", Double.NaN)).isEqualTo("n/a");
    }

    @Property
    void noValueIsEverPrintedWithAnExponent(
            @ForAll @DoubleRange(min = -1e12, max = 1e12) double v, @ForAll("names") String name) {
        assertThat(HumanValues.value(name, v)).doesNotContainPattern("[0-9][eE][-+]?[0-9]");
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> names() {
        return net.jqwik.api.Arbitraries.of("latency_seconds", "used_ratio", "size_bytes", "count", "disk_percent");
    }

    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)d)? ?(?:(\\d+)h)? ?(?:(\\d+)m)? ?(?:(\\d+)s)?");

    @Property
    void aDurationReadsBackWithinItsSecondLargestUnit(@ForAll @LongRange(min = 0, max = 10_000_000) long seconds) {
        String text = HumanValues.duration(Duration.ofSeconds(seconds));
        Matcher m = DURATION.matcher(text);
        assertThat(m.matches()).as(text).isTrue();
        long back = part(m, 1) * 86_400 + part(m, 2) * 3_600 + part(m, 3) * 60 + part(m, 4);
        long unit = seconds >= 86_400 ? 3_600 : seconds >= 3_600 ? 60 : 1;
        assertThat(back).isLessThanOrEqualTo(seconds).isGreaterThan(seconds - unit);
    }

    private static long part(Matcher m, int g) {
        return m.group(g) == null ? 0 : Long.parseLong(m.group(g));
    }

    @Property
    void aPercentageIsTheRatioTimesAHundred(@ForAll @DoubleRange(min = -10, max = 10) double ratio) {
        String text = HumanValues.percent(ratio);
        assertThat(text).endsWith("%");
        double back = Double.parseDouble(text.substring(0, text.length() - 1));
        assertThat(Math.abs(back - ratio * 100)).isLessThanOrEqualTo(Math.abs(ratio * 100) < 9.95 ? 0.05 : 0.5);
    }
}
