package io.opsrouter.ingest;

import static io.opsrouter.ingest.IngestHttp.post;
import static io.opsrouter.ingest.IngestHttp.vector;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.RouterHarness;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped doors with the real alert engine behind them: each step of the route binds and the alert is stored. */
class IngestToStoreTest {
    @TempDir
    Path home;

    @Test
    void bothAlertmanagerDoorsStoreWhatTheyAccept() {
        try (RouterHarness router = RouterHarness.shipped(home).start()) {
            assertThat(router.send(post(router, "/webhooks/alertmanager", vector("firing.json")))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(router.send(post(router, "/api/v2/alerts", vector("api-v2.json")))
                            .statusCode())
                    .isEqualTo(200);
            List<String> names = router.store().read(c -> {
                List<String> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT name FROM alerts ORDER BY name");
                        ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1));
                }
                return out;
            });
            assertThat(names).contains("SupabaseDown", "EmergencyCallQueueStuck");
        }
    }
}
