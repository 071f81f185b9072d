package io.opsrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdleSelectorsTest {
    @Test
    void anIdleHttpClientsSelectorThreadEndsWhenReleased() {
        // only this test's client: other tests' clients in this JVM are left alone
        Set<Thread> before = Set.copyOf(IdleSelectors.selectorThreads());
        HttpClient client = HttpClient.newHttpClient();
        List<Thread> released = IdleSelectors.release(t -> !before.contains(t));
        assertThat(released).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> !released.get(0).isAlive());
        assertThat(client).isNotNull();
    }
}
