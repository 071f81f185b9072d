package io.opsrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.RouterHarness;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /health and the meters say which role this replica has; on the embedded store it is alone and leads. */
class ReplicaRoleTest {
    @TempDir
    Path home;

    @Test
    void healthAndMetersShowTheRoleOfTheOnlyReplica() {
        try (RouterHarness router = RouterHarness.shipped(home).start()) {
            HttpResponse<String> health = router.get("/health");
            assertThat(health.body())
                    .containsPattern("\"replica\":\\{\"id\":\"[^\"]+-[0-9a-f]{8}\",\"live\":1,\"monitors\":0,"
                            + "\"sweepLeader\":true}");
            assertThat(router.get("/metrics").body())
                    .contains("ops_router_replica_leader{lease=\"alert-sweep\"} 1.0")
                    .contains("ops_router_replicas_live 1.0")
                    .contains("ops_router_replica_monitors 0.0");
        }
    }

    @Test
    void theRoleIsPartOfTheDetailThatOnlyTheTokenShows() {
        try (RouterHarness router = RouterHarness.shipped(home)
                .setting(HealthEndpoint.DETAIL, "authenticated")
                .env("ROUTER_API_TOKEN", "role-test-token-" + System.nanoTime())
                .start()) {
            assertThat(router.get("/health").body()).doesNotContain("\"replica\"");
        }
    }
}
