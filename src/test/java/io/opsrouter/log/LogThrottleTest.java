package io.opsrouter.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
    final AtomicLong now = new AtomicLong(5_000_000_000L);
    final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10), now::get);

    @Test
    void oneLinePerKeyAndPeriodAndTheNextSaysHowManyWereHeldBack() {
        assertThat(throttle.pass("api_v2 busy")).hasValue(0);
        assertThat(throttle.pass("api_v2 busy")).isEmpty();
        assertThat(throttle.pass("api_v2 busy")).isEmpty();
        assertThat(throttle.pass("webhook busy"))
                .as("another key has its own period")
                .hasValue(0);
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(throttle.pass("api_v2 busy")).isEmpty();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(throttle.pass("api_v2 busy")).hasValue(3);
        assertThat(throttle.pass("api_v2 busy")).isEmpty();
    }

    @Test
    void theSuffixNamesTheCountAndThePeriod() {
        assertThat(LogThrottle.heldBack(0, Duration.ofSeconds(10))).isEmpty();
        assertThat(LogThrottle.heldBack(369, Duration.ofSeconds(10)))
                .isEqualTo(" (and 369 more like it in the 10 s before, not logged)");
    }
}
