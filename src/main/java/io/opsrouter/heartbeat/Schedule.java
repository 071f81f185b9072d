package io.opsrouter.heartbeat;

import io.opsrouter.config.Durations;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.TimeZone;
import org.quartz.CronExpression;

/** When a heartbeat is expected: every {@code period} after its last ping, or at the next time of a cron expression in a time zone. */
public sealed interface Schedule {
    /** The time the next ping is due, given the last one. */
    Instant nextAfter(Instant lastPing);

    String describe();

    record Period(Duration period) implements Schedule {
        public Period {
            if (period.isZero() || period.isNegative()) throw new IllegalArgumentException("period must be positive");
        }

        @Override
        public Instant nextAfter(Instant lastPing) {
            return lastPing.plus(period);
        }

        @Override
        public String describe() {
            return "every " + Durations.format(period);
        }
    }

    /** A Quartz cron expression (seconds first); a copy per call, as {@link CronExpression} is not thread-safe. */
    record Cron(String expression, ZoneId zone) implements Schedule {
        public Cron {
            parse(expression, zone);
        }

        static CronExpression parse(String expression, ZoneId zone) {
            try {
                CronExpression c = new CronExpression(expression);
                c.setTimeZone(TimeZone.getTimeZone(zone));
                return c;
            } catch (ParseException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }

        @Override
        public Instant nextAfter(Instant lastPing) {
            Date next = parse(expression, zone).getNextValidTimeAfter(Date.from(lastPing));
            return next == null ? Instant.MAX : next.toInstant();
        }

        @Override
        public String describe() {
            return "cron " + expression + " " + zone.getId();
        }
    }
}
