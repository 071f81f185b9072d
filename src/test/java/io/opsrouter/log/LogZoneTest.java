package io.opsrouter.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.opsrouter.testing.RouterHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogZoneTest {
    final ZoneId before = LogZone.zone();

    @AfterEach
    void restore() {
        LogZone.use(before);
    }

    static String logTime(Instant t) {
        LoggingEvent e = new LoggingEvent();
        e.setLevel(Level.INFO);
        e.setMessage("x");
        e.setTimeStamp(t.toEpochMilli());
        ZonedDateConverter c = new ZonedDateConverter();
        c.setContext(new LoggerContext());
        c.start();
        return c.convert(e);
    }

    @Test
    void logAndMessageTimesAreInTheZoneWithTheirOffset() {
        LogZone.use(ZoneId.of("America/Toronto"));
        Instant t = Instant.parse("2026-12-07T01:30:15.250Z");
        assertThat(logTime(t)).isEqualTo("2026-12-06T20:30:15.250-05:00");
        assertThat(LogZone.format(t)).isEqualTo("2026-12-06T20:30:15-05:00");
        assertThat(LogZone.format(Instant.parse("2026-07-01T12:00:00Z"))).isEqualTo("2026-07-01T08:00:00-04:00");
        LogZone.use(ZoneId.of("UTC"));
        assertThat(logTime(t)).isEqualTo("2026-12-07T01:30:15.250Z");
    }

    @Test
    void theShippedTextLogUsesTheZoneConverter() throws Exception {
        String xml = Files.readString(RouterHarness.REPO.resolve("src/main/resources/logback-text.xml"));
        assertThat(xml).contains(ZonedDateConverter.class.getName()).contains("%zdate");
    }

    @Test
    void theRouterLogsInTheBusinessZoneOfEscalationYaml(@TempDir Path home) {
        try (RouterHarness router = RouterHarness.shipped(home)
                .env("BUSINESS_HOURS_ZONE", "Asia/Kolkata")
                .start()) {
            assertThat(LogZone.zone()).isEqualTo(ZoneId.of("Asia/Kolkata"));
            assertThat(logTime(Instant.parse("2026-12-07T00:00:00Z"))).isEqualTo("2026-12-07T05:30:00.000+05:30");
        }
    }
}
