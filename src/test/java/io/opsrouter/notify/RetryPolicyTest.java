package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The retry policy alone: attempt and failure in, next try or dead out (as Alertmanager tests its retry stage). */
class RetryPolicyTest {
    static final Instant AT = Instant.parse("2026-12-01T03:00:00Z");
    final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), 12);

    @Test
    void aRetryableFailureIsDueAgainAfterTheBackoffAndTheChannelWaitsAsLong() {
        RetryPolicy.Decision d = policy.afterFailure(1, ChannelException.retryable("http_500", "HTTP 500"), AT, 0.0);
        assertThat(d.dead()).isFalse();
        assertThat(d.at()).isEqualTo(AT.plusMillis(500));
        assertThat(d.channelWaitsUntil()).isEqualTo(d.at());
        assertThat(d.goOn()).isFalse();
        assertThat(d.channelFailing()).isFalse();
    }

    @Test
    void theServersRetryAfterWinsOverTheBackoff() {
        RetryPolicy.Decision d =
                policy.afterFailure(1, ChannelException.rateLimited("HTTP 429", Duration.ofSeconds(7)), AT, 0.99);
        assertThat(d.at()).isEqualTo(AT.plusSeconds(7));
        assertThat(d.dead()).isFalse();
    }

    @ParameterizedTest(name = "attempt {0}, jitter {1}: {2} ms")
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
    void theBackoffDoublesFromTheFirstUpToTheLongestHalfOfItJitter(int attempt, double jitter, long millis) {
        assertThat(policy.backoff(attempt, jitter)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void theFailureThatUsesUpTheBudgetIsDeadAndMakesTheChannelFailing() {
        RetryPolicy.Decision before =
                policy.afterFailure(11, ChannelException.retryable("timeout", "timed out"), AT, 0.0);
        assertThat(before.dead()).isFalse();
        RetryPolicy.Decision last =
                policy.afterFailure(12, ChannelException.retryable("timeout", "timed out"), AT, 0.0);
        assertThat(last.dead()).isTrue();
        assertThat(last.at()).as("dead since it failed").isEqualTo(AT);
        assertThat(last.channelWaitsUntil()).as("the channel still backs off").isAfter(AT);
        assertThat(last.channelFailing()).isTrue();
    }

    @Test
    void aFinalFailureIsDeadAtOnceAndTheChannelGoesOn() {
        RetryPolicy.Decision d = policy.afterFailure(1, ChannelException.permanent("http_400", "bad number"), AT, 0.5);
        assertThat(d.dead()).isTrue();
        assertThat(d.at()).isEqualTo(AT);
        assertThat(d.goOn()).isTrue();
        assertThat(d.channelFailing())
                .as("a refused recipient is the message's fault, not the channel's")
                .isFalse();
    }

    @ParameterizedTest
    @CsvSource({"http_401", "http_403", "auth"})
    void refusedCredentialsAreFinalAndMakeTheChannelFailing(String reason) {
        RetryPolicy.Decision d = policy.afterFailure(1, ChannelException.permanent(reason, "refused"), AT, 0.0);
        assertThat(d.dead()).isTrue();
        assertThat(d.goOn()).isTrue();
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
