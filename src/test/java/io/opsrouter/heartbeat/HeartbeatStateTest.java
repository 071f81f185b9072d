package io.opsrouter.heartbeat;

import static io.opsrouter.heartbeat.HeartbeatState.Status.DOWN;
import static io.opsrouter.heartbeat.HeartbeatState.Status.LATE;
import static io.opsrouter.heartbeat.HeartbeatState.Status.NEW;
import static io.opsrouter.heartbeat.HeartbeatState.Status.STARTED;
import static io.opsrouter.heartbeat.HeartbeatState.Status.UP;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The heartbeat state machine at a controlled clock: no database, no waiting. */
class HeartbeatStateTest {
    private static final Instant T0 = Instant.parse("2026-03-01T02:00:00Z");
    private static final Schedule DAILY = new Schedule.Period(Duration.ofDays(1));
    private static final Duration GRACE = Duration.ofHours(1);

    private static Instant at(Duration d) {
        return T0.plus(d);
    }

    @Test
    void aHeartbeatNeverPingedIsNewAndNeverGoesDown() {
        assertThat(HeartbeatState.NEW.status(DAILY, GRACE, at(Duration.ofDays(30))))
                .isEqualTo(NEW);
        assertThat(HeartbeatState.NEW.nextExpected(DAILY)).isNull();
    }

    @Test
    void aPeriodScheduleIsUpUntilThePeriodThenLateWithinGraceThenDown() {
        HeartbeatState s = HeartbeatState.NEW.after(Ping.SUCCESS, T0);
        assertThat(s.nextExpected(DAILY)).isEqualTo(at(Duration.ofDays(1)));
        assertThat(s.status(DAILY, GRACE, at(Duration.ofHours(23)))).isEqualTo(UP);
        assertThat(s.status(DAILY, GRACE, at(Duration.ofDays(1).minusMillis(1))))
                .isEqualTo(UP);
        assertThat(s.status(DAILY, GRACE, at(Duration.ofDays(1)))).isEqualTo(LATE);
        assertThat(s.status(DAILY, GRACE, at(Duration.ofDays(1).plus(GRACE).minusMillis(1))))
                .isEqualTo(LATE);
        assertThat(s.status(DAILY, GRACE, at(Duration.ofDays(1).plus(GRACE)))).isEqualTo(DOWN);
        assertThat(s.downAt(DAILY, GRACE)).isEqualTo(at(Duration.ofDays(1).plus(GRACE)));
    }

    @Test
    void aPingAfterDownMakesItUpAgainFromThatPing() {
        HeartbeatState s = HeartbeatState.NEW.after(Ping.SUCCESS, T0);
        Instant late = at(Duration.ofDays(3));
        assertThat(s.status(DAILY, GRACE, late)).isEqualTo(DOWN);
        HeartbeatState again = s.after(Ping.SUCCESS, late);
        assertThat(again.status(DAILY, GRACE, late)).isEqualTo(UP);
        assertThat(again.nextExpected(DAILY)).isEqualTo(late.plus(Duration.ofDays(1)));
    }

    @Test
    void aCronScheduleExpectsTheNextCronTimeInItsTimeZoneAfterTheLastPing() {
        // 02:00 every night in Toronto: 07:00 UTC in winter (EST), 06:00 UTC after the change to daylight time on 8
        // March
        Schedule nightly = new Schedule.Cron("0 0 2 * * ?", ZoneId.of("America/Toronto"));
        HeartbeatState s = HeartbeatState.NEW.after(Ping.SUCCESS, Instant.parse("2026-03-01T07:05:00Z"));
        assertThat(s.nextExpected(nightly)).isEqualTo(Instant.parse("2026-03-02T07:00:00Z"));
        assertThat(s.status(nightly, Duration.ofMinutes(30), Instant.parse("2026-03-02T06:59:59Z")))
                .isEqualTo(UP);
        assertThat(s.status(nightly, Duration.ofMinutes(30), Instant.parse("2026-03-02T07:10:00Z")))
                .isEqualTo(LATE);
        assertThat(s.status(nightly, Duration.ofMinutes(30), Instant.parse("2026-03-02T07:30:00Z")))
                .isEqualTo(DOWN);
        HeartbeatState weekLater = s.after(Ping.SUCCESS, Instant.parse("2026-03-08T12:00:00Z"));
        assertThat(weekLater.nextExpected(nightly)).isEqualTo(Instant.parse("2026-03-09T06:00:00Z"));
    }

    @Test
    void aStartedRunIsStartedWithinGraceAndDownWhenItRunsLongerThanGrace() {
        HeartbeatState s = HeartbeatState.NEW.after(Ping.SUCCESS, T0).after(Ping.START, at(Duration.ofDays(1)));
        Instant started = at(Duration.ofDays(1));
        assertThat(s.status(DAILY, GRACE, started.plusSeconds(60))).isEqualTo(STARTED);
        assertThat(s.running(started.plusSeconds(60))).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.status(DAILY, GRACE, started.plus(GRACE))).isEqualTo(DOWN);
        assertThat(HeartbeatSignals.why(heartbeat(), s, started.plus(GRACE)))
                .contains("has not finished within its grace of 1h");
    }

    @Test
    void theRunDurationIsMeasuredFromStartToTheFinishingPing() {
        HeartbeatState s = HeartbeatState.NEW.after(Ping.START, T0).after(Ping.SUCCESS, at(Duration.ofMinutes(7)));
        assertThat(s.lastRun()).isEqualTo(Duration.ofMinutes(7));
        assertThat(s.runStarted()).isNull();
        assertThat(s.status(DAILY, GRACE, at(Duration.ofMinutes(8)))).isEqualTo(UP);
        assertThat(s.nextExpected(DAILY)).isEqualTo(at(Duration.ofMinutes(7)).plus(Duration.ofDays(1)));
        // a finish without a start keeps the previous duration
        assertThat(s.after(Ping.SUCCESS, at(Duration.ofDays(1))).lastRun()).isEqualTo(Duration.ofMinutes(7));
    }

    @Test
    void failAndNonZeroExitStatusAreDownAtOnceAndZeroIsSuccess() {
        HeartbeatState up = HeartbeatState.NEW.after(Ping.SUCCESS, T0);
        HeartbeatState failed = up.after(Ping.FAIL, at(Duration.ofHours(1)));
        assertThat(failed.status(DAILY, GRACE, at(Duration.ofHours(1)))).isEqualTo(DOWN);
        HeartbeatState exit3 = up.after(Ping.parse("3"), at(Duration.ofHours(1)));
        assertThat(exit3.status(DAILY, GRACE, at(Duration.ofHours(1)))).isEqualTo(DOWN);
        assertThat(exit3.exitStatus()).isEqualTo(3);
        assertThat(HeartbeatSignals.why(heartbeat(), exit3, at(Duration.ofHours(1))))
                .contains("exited with status 3");
        HeartbeatState exit0 = exit3.after(Ping.parse("0"), at(Duration.ofHours(2)));
        assertThat(exit0.status(DAILY, GRACE, at(Duration.ofHours(2)))).isEqualTo(UP);
        assertThat(exit0.exitStatus()).isZero();
    }

    @Test
    void aFailedJobThatStartsAgainIsStartedAndUpWhenTheRunSucceeds() {
        HeartbeatState failed = HeartbeatState.NEW.after(Ping.FAIL, T0);
        HeartbeatState retry = failed.after(Ping.START, at(Duration.ofMinutes(5)));
        assertThat(retry.status(DAILY, GRACE, at(Duration.ofMinutes(6)))).isEqualTo(STARTED);
        assertThat(retry.after(Ping.SUCCESS, at(Duration.ofMinutes(9))).status(DAILY, GRACE, at(Duration.ofMinutes(9))))
                .isEqualTo(UP);
    }

    @Test
    void pingUrlsParseAsHealthchecksIoDoes() {
        assertThat(Ping.parse(null)).isEqualTo(Ping.SUCCESS);
        assertThat(Ping.parse("start")).isEqualTo(Ping.START);
        assertThat(Ping.parse("FAIL")).isEqualTo(Ping.FAIL);
        assertThat(Ping.parse("0").kind()).isEqualTo(Ping.Kind.SUCCESS);
        assertThat(Ping.parse("255").kind()).isEqualTo(Ping.Kind.FAIL);
        assertThat(Ping.parse("256")).isNull();
        assertThat(Ping.parse("-1")).isNull();
        assertThat(Ping.parse("log")).isNull();
    }

    private static Heartbeat heartbeat() {
        return new Heartbeat("backup-script", "k".repeat(32), DAILY, GRACE, java.util.Map.of(), null, null, null);
    }
}
