package io.opsrouter.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** /health's store check never holds its caller longer than its wait, and callers share one check. */
class ReachabilityCheckTest {
    @Test
    void aCheckThatHangsDoesNotAnswerAndCallersMeanwhileShareIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        try (ReachabilityCheck check = new ReachabilityCheck(
                () -> {
                    started.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return true;
                },
                Duration.ofMillis(50))) {
            assertThat(check.reachable()).isFalse();
            assertThat(check.reachable()).isFalse();
            assertThat(started).as("checks started while one hangs").hasValue(1);
            release.countDown();
            org.awaitility.Awaitility.await().until(check::reachable);
        }
    }

    @Test
    void aStoreThatAnswersIsReachable() {
        try (ReachabilityCheck check = new ReachabilityCheck(() -> true, Duration.ofSeconds(5))) {
            assertThat(check.reachable()).isTrue();
        }
    }
}
