package io.opsrouter.log;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The time zone people read times in: the business zone of config/escalation.yaml ({@code businessHours.zone}) once
 * the alert module has loaded it, the JVM's zone before. Log lines ({@link ZonedDateConverter}) and message texts
 * show times in it, always with their offset, so a time can be compared with one written elsewhere.
 */
public final class LogZone {
    private static final DateTimeFormatter TEXT = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    private static volatile ZoneId zone = ZoneId.systemDefault();

    private LogZone() {}

    public static void use(ZoneId z) {
        if (z != null) zone = z;
    }

    public static ZoneId zone() {
        return zone;
    }

    /** {@code t} in the zone to the second, with its offset, e.g. 2026-12-07T20:15:03-05:00. */
    public static String format(Instant t) {
        return t == null ? "" : TEXT.format(t.truncatedTo(ChronoUnit.SECONDS).atZone(zone));
    }
}
