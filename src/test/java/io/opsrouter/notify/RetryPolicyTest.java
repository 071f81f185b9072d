package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The retry policy alone: attempts and failure in, next try or dead out (as Alertmanager tests its retry stage). */
class RetryPolicyTest {
    static final Instant AT = Instant.parse("2026-12-01T03:00:00Z");
    final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), 12, 5);

    static ChannelException down() {
        return ChannelException.retryable("http_500", "HTTP 500");
    }

    @Test
    void aRetryableFailureRightAfterADeliverySpendsAnAttemptAndTheChannelGoesOn() {
        RetryPolicy.Decision d = policy.afterFailure(0, down(), 1, AT, 0.0);
        assertThat(d.dead()).isFalse();
        assertThat(d.attempts()).isEqualTo(1);
        assertThat(d.at()).isEqualTo(AT.plusMillis(500));
        assertThat(d.goOn()).as("one message failing is not an outage").isTrue();
        assertThat(d.channelFailing()).isFalse();
    }

    @ParameterizedTest(name = "{0} failures in a row")
    @ValueSource(ints = {2, 4, 50, 100_000})
    void anOutageSpendsNoAttemptHoweverLongItLastsAndTheChannelWaitsOutItsBackoff(int inARow) {
        RetryPolicy.Decision d = policy.afterFailure(3, down(), inARow, AT, 0.0);
        assertThat(d.dead()).isFalse();
        assertThat(d.attempts()).as("the budget is untouched").isEqualTo(3);
        assertThat(d.at()).isEqualTo(AT.plus(policy.backoff(inARow - 1, 0.0)));
        assertThat(d.channelWaitsUntil()).isEqualTo(d.at());
        assertThat(d.channelFailing()).isEqualTo(inARow >= 5);
    }

    @Test
    void aMessageAtTheEndOfItsBudgetIsNotGivenUpDuringAnOutage() {
        RetryPolicy.Decision d =
                policy.afterFailure(11, ChannelException.retryable("timeout", "timed out"), 2, AT, 0.0);
        assertThat(d.dead()).isFalse();
        assertThat(d.attempts()).isEqualTo(11);
    }

    @Test
    void theServersRetryAfterPausesTheChannelWithoutSpendingTheAttempt() {
        RetryPolicy.Decision d =
                policy.afterFailure(4, ChannelException.rateLimited("HTTP 429", Duration.ofSeconds(7)), 1, AT, 0.99);
        assertThat(d.at()).isEqualTo(AT.plusSeconds(7));
        assertThat(d.channelWaitsUntil()).isEqualTo(AT.plusSeconds(7));
        assertThat(d.attempts()).isEqualTo(4);
        assertThat(d.dead()).isFalse();
        assertThat(d.channelFailing()).isFalse();
    }

    @ParameterizedTest(name = "backoff {0}, jitter {1}: {2} ms")
    @CsvSource({
        "1, 0.0, 500",
        "1, 0.5, 750",
        "2, 0.0, 1000",
        "3, 0.0, 2000",
        "9, 0.0, 128000",
        "10, 0.0, 150000",
        "10, 0.999, 299850",
        "40, 0.0, 150000"
    })
    void theBackoffDoublesFromTheFirstUpToTheLongestHalfOfItJitter(int n, double jitter, long millis) {
        assertThat(policy.backoff(n, jitter)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void theMessagesOwnFailureThatUsesUpTheBudgetIsDeadAndMakesTheChannelFailing() {
        RetryPolicy.Decision before = policy.afterFailure(10, down(), 1, AT, 0.0);
        assertThat(before.dead()).isFalse();
        assertThat(before.attempts()).isEqualTo(11);
        RetryPolicy.Decision last = policy.afterFailure(11, down(), 1, AT, 0.0);
        assertThat(last.dead()).isTrue();
        assertThat(last.attempts()).isEqualTo(12);
        assertThat(last.at()).as("dead since it failed").isEqualTo(AT);
        assertThat(last.channelFailing()).isTrue();
    }

    @Test
    void aFinalFailureIsDeadAtOnceAndTheChannelGoesOn() {
        RetryPolicy.Decision d =
                policy.afterFailure(0, ChannelException.permanent("http_400", "bad number"), 7, AT, 0.5);
        assertThat(d.dead()).isTrue();
        assertThat(d.attempts()).isEqualTo(1);
        assertThat(d.at()).isEqualTo(AT);
        assertThat(d.goOn()).isTrue();
        assertThat(d.channelFailing())
                .as("a refused recipient is the message's fault, not the channel's")
                .isFalse();
    }

    @ParameterizedTest
    @CsvSource({"http_401", "http_403", "auth"})
    void refusedCredentialsKeepTheMessageWaitingAndMakeTheChannelFailing(String reason) {
        RetryPolicy.Decision d = policy.afterFailure(2, ChannelException.permanent(reason, "refused"), 1, AT, 0.0);
        assertThat(d.dead()).as("the credentials are the channel's to fix").isFalse();
        assertThat(d.attempts()).isEqualTo(2);
        assertThat(d.goOn()).isFalse();
        assertThat(d.channelFailing()).isTrue();
    }

    @Test
    void httpStatusesAreClassifiedByCode() {
        assertThat(ChannelException.forHttpStatus(503, null, "").isRetryable()).isTrue();
        assertThat(ChannelException.forHttpStatus(408, null, "").isRetryable()).isTrue();
        assertThat(ChannelException.forHttpStatus(429, "3", "").retryAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(ChannelException.forHttpStatus(404, null, "").isRetryable()).isFalse();
        assertThat(ChannelException.forHttpStatus(401, null, "").reason()).isEqualTo("http_401");
    }
}
