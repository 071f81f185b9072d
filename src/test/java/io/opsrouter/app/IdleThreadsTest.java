package io.opsrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.RouterHarness;
import java.nio.file.Path;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.component.seda.SedaComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the shipped router keeps idle and what a stop waits for (docs/operations.md, Stop). */
class IdleThreadsTest {
    @TempDir
    Path home;

    @Test
    void quartzRunsAThreadPerJobAndSedaConsumersPollBriefly() throws Exception {
        try (RouterHarness router = RouterHarness.shipped(home).start()) {
            var camel = router.app().camel();
            QuartzComponent quartz = camel.getComponent("quartz", QuartzComponent.class);
            // the three backups and the scheduler's heartbeat
            long jobs = camel.getRoutes().stream()
                    .filter(r -> r.getEndpoint().getEndpointUri().startsWith("quartz:"))
                    .count();
            assertThat(jobs).isEqualTo(4);
            assertThat(quartz.getScheduler().getMetaData().getThreadPoolSize()).isEqualTo(4);
            assertThat(quartz.getScheduler().getMetaData().isJobStoreSupportsPersistence())
                    .isFalse();
            // a stop waits for each seda consumer's poll to end
            assertThat(camel.getComponent("seda", SedaComponent.class).getDefaultPollTimeout())
                    .isEqualTo(100);
        }
    }
}
