package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.outbox.ChannelAlarm;
import io.opsrouter.outbox.ChannelName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A channel's health alone: the breaker, the failing and recovered alarms, the health part. */
class ChannelHealthTest {
    final List<ChannelAlarm> alarms = new ArrayList<>();
    boolean alertSideTakesAlarms = true;
    final ChannelHealth health = new ChannelHealth(
            ChannelName.SMS,
            3,
            Duration.ofHours(1),
            a -> {
                if (alertSideTakesAlarms) alarms.add(a);
                return alertSideTakesAlarms;
            },
            Clock.fixed(Instant.parse("2026-12-01T03:00:00Z"), ZoneOffset.UTC));

    void failOnce(ChannelException e) {
        assertThat(health.tryAcquire()).isTrue();
        health.failed(e, 1_000);
    }

    @Test
    void retryableFailuresInARowOpenTheCircuitAndTheHealthPartSaysWhy() {
        failOnce(ChannelException.retryable("http_500", "HTTP 500"));
        failOnce(ChannelException.retryable("http_500", "HTTP 500"));
        assertThat(health.closed()).isTrue();
        assertThat(health.health().up()).isTrue();
        failOnce(ChannelException.retryable("http_500", "HTTP 502: bad gateway"));
        assertThat(health.closed()).isFalse();
        assertThat(health.tryAcquire()).as("no send while open").isFalse();
        assertThat(health.health().up()).isFalse();
        assertThat(health.health().detail())
                .contains("circuit open after 3 failed sends")
                .contains("HTTP 502: bad gateway");
    }

    @Test
    void refusedRecipientsDoNotCountAgainstTheChannel() {
        for (int i = 0; i < 5; i++) failOnce(ChannelException.permanent("http_400", "bad number"));
        assertThat(health.closed()).isTrue();
        assertThat(health.health().up()).isTrue();
    }

    @Test
    void aSuccessBetweenFailuresKeepsTheCircuitClosed() {
        failOnce(ChannelException.retryable("timeout", "t"));
        failOnce(ChannelException.retryable("timeout", "t"));
        assertThat(health.tryAcquire()).isTrue();
        health.succeeded(1_000);
        failOnce(ChannelException.retryable("timeout", "t"));
        assertThat(health.closed()).isTrue();
    }

    @Test
    void failingRaisesOneP1AndTheNextDeliveryResolvesIt() {
        health.delivered();
        assertThat(alarms).as("nothing to resolve").isEmpty();
        health.failing("dead after 12 attempts");
        health.failing("dead after 12 attempts");
        assertThat(alarms).hasSize(1);
        assertThat(alarms.get(0))
                .isEqualTo(new ChannelAlarm(
                        ChannelName.SMS, true, "dead after 12 attempts", Instant.parse("2026-12-01T03:00:00Z")));
        assertThat(health.isFailing()).isTrue();
        health.delivered();
        health.delivered();
        assertThat(alarms).hasSize(2);
        assertThat(alarms.get(1).failing()).isFalse();
        assertThat(health.isFailing()).isFalse();
    }

    @Test
    void anAlarmTheAlertSideDidNotTakeIsRaisedAgainNextTime() {
        alertSideTakesAlarms = false;
        health.failing("x");
        assertThat(health.isFailing()).isFalse();
        alertSideTakesAlarms = true;
        health.failing("x");
        assertThat(alarms).hasSize(1);
        assertThat(health.isFailing()).isTrue();
    }

    @Test
    void aChannelFailingAtStartIsResolvedByItsFirstDelivery() {
        health.failingSince(true);
        assertThat(health.health().detail()).contains("a notification went dead");
        health.delivered();
        assertThat(alarms).singleElement().extracting(ChannelAlarm::failing).isEqualTo(false);
    }
}
