package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.app.CoreModule;
import io.opsrouter.testing.RecordingIntake;
import io.opsrouter.testing.RouterHarness;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: a part of the pipeline that stops moving must not leave /health at 200. A channel whose send hangs keeps
 * its dispatcher in one round of work: after router.watchdog.stall-after /health answers 503 naming that channel's
 * dispatcher, the meter shows it, and once the send returns /health is 200 again.
 */
class StalledDispatchTest {
    @TempDir
    Path home;

    final FakeApi hook = new FakeApi();
    RouterHarness router;

    @AfterEach
    void close() {
        if (router != null) router.close();
        hook.close();
    }

    @Test
    void aHangingSendMakesHealth503NamingTheChannelUntilItReturns() {
        router = RouterHarness.shipped(home)
                .modules(new RecordingIntake().modules())
                .webhook(hook.url() + "/hook")
                .setting("notify.poll-interval", "50ms")
                .setting("notify.send-timeout", "60s")
                .setting("notify.lease", "200s")
                .setting(CoreModule.STALL_AFTER, "1s")
                .start();
        assertThat(router.get("/health").statusCode()).isEqualTo(200);
        assertThat(router.get("/metrics").body()).contains("ops_router_pipeline_stalled{part=\"notify-webhook\"} 0.0");

        hook.hangNext(1);
        Notifications.enqueue(router.store(), Notifications.of("stuck-1", "webhook"));
        await().atMost(Duration.ofSeconds(30)).until(() -> router.get("/health").statusCode() == 503);
        HttpResponse<String> stuck = router.get("/health");
        assertThat(stuck.body())
                .contains("\"notReady\":[\"pipeline:notify-webhook\"]")
                .contains("no progress for");
        assertThat(router.get("/metrics").body())
                .contains("ops_router_pipeline_stalled{part=\"notify-webhook\"} 1.0")
                .contains("ops_router_pipeline_stalled{part=\"alerts-sweep\"} 0.0");

        hook.release();
        await().atMost(Duration.ofSeconds(30)).until(() -> router.get("/health").statusCode() == 200);
        assertThat(router.get("/metrics").body()).contains("ops_router_pipeline_stalled{part=\"notify-webhook\"} 0.0");
    }
}
