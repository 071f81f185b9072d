package io.opsrouter.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** {@code %zdate} in the log pattern: the event's time in {@link LogZone}'s zone, to the millisecond, with the offset. */
public final class ZonedDateConverter extends ClassicConverter {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

    @Override
    public String convert(ILoggingEvent event) {
        return FORMAT.format(Instant.ofEpochMilli(event.getTimeStamp()).atZone(LogZone.zone()));
    }
}
