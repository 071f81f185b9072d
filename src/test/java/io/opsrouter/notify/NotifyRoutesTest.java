package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.app.StartupException;
import io.opsrouter.testing.RouterHarness;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifyRoutesTest {
    /** A home without the other concerns' settings files runs only the notify module. */
    private static final java.util.List<io.opsrouter.app.RouterModule> NOTIFY_ONLY =
            java.util.List.of(new io.opsrouter.app.CoreModule(), new NotifyModule());

    @TempDir
    Path home;

    @Test
    void withARealChannelARouterWithoutRoutesNotifyYamlDoesNotStart() {
        RouterHarness router = RouterHarness.empty(home)
                .onlyModules(NOTIFY_ONLY)
                .env("WEBHOOK_URL", "http://127.0.0.1:9/hook")
                .env("WEBHOOK_SECRET", "0123456789abcdef0123456789abcdef");
        assertThatThrownBy(router::start)
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("routes/notify.yaml");
        router.close();
    }

    @Test
    void thePollIntervalComesFromTheEnvironmentToo() {
        try (RouterHarness router =
                RouterHarness.shipped(home).env("NOTIFY_POLL_INTERVAL", "75ms").start()) {
            var timer = (org.apache.camel.component.timer.TimerEndpoint)
                    router.app().camel().getRoute("notify-poll").getEndpoint();
            assertThat(timer.getPeriod()).isEqualTo(75L);
        }
    }

    @Test
    void aBareHomeWithOnlyTheLogChannelStartsAndKeepsNotificationsInTheOutbox() {
        try (RouterHarness router =
                RouterHarness.empty(home).onlyModules(NOTIFY_ONLY).start()) {
            Notifications.enqueue(router.store(), Notifications.of("bare-1", "log"));
            assertThat(Notifications.status(router.store(), "bare-1")).isEqualTo("pending");
        }
    }
}
