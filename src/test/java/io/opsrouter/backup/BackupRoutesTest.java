package io.opsrouter.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.alert.Severity;
import io.opsrouter.alert.Signal;
import io.opsrouter.testing.RouterHarness;
import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped routes schedule the backups; a failure reaches the alert pipeline through direct:signals as a P1. */
class BackupRoutesTest {
    @TempDir
    Path home;

    @Test
    void shippedRoutesScheduleBackupsAndFailuresReachTheAlertPipeline() throws Exception {
        try (TestPostgres.Database db = TestPostgres.createDatabase("bk_route")) {
            TestData.createSchema(db);
            RouterHarness h = RouterHarness.shipped(home)
                    .env(SourceDb.URL, db.url())
                    .env(SourceDb.USER, db.user())
                    .env(SourceDb.PASSWORD, db.password() == null ? "" : db.password());
            String yaml = java.nio.file.Files.readString(home.resolve("config/backups.yaml"))
                    .replace("lockTimeout: 30s", "lockTimeout: 300ms");
            h.writeFile("config/backups.yaml", yaml);
            try (RouterHarness router = h.start()) {
                var camel = router.app().camel();
                for (String id : List.of("backup-full", "backup-incremental", "backup-config", "backup-watch")) {
                    assertThat(camel.getRouteController().getRouteStatus(id))
                            .as(id)
                            .isEqualTo(ServiceStatus.Started);
                }
                assertThat(camel.getRoute("backup-full").getEndpoint().getEndpointUri())
                        .startsWith("quartz://backups/full");
                ProducerTemplate t = camel.createProducerTemplate();
                String ok = t.requestBody("bean:backupService?method=runScheduled('full')", null, String.class);
                assertThat(ok).endsWith(".zip");
                assertThat(Path.of(ok)).startsWith(home.resolve("data/backups"));
                assertThat(router.get("/metrics").body())
                        .containsPattern(
                                "ops_router_backup_last_success_timestamp_seconds\\{type=\"full\"\\} \\d\\.\\d+E9")
                        .contains("ops_router_backup_verified{type=\"full\"} 1.0");

                NotifyBuilder p1 = new NotifyBuilder(camel)
                        .fromRoute("signals")
                        .whenAnyDoneMatches(e -> {
                            Signal s = e.getIn().getBody(Signal.class);
                            return s != null
                                    && s.state() == Signal.State.FIRING
                                    && s.severity() == Severity.P1
                                    && "backup".equals(s.source())
                                    && "backup-failed".equals(s.labels().get("alertname"))
                                    && "incremental".equals(s.labels().get("backup_type"))
                                    && "backup".equals(s.labels().get("service"))
                                    && "backup-incremental".equals(s.name());
                        })
                        .create();
                try (Connection locker = db.connect();
                        Statement st = locker.createStatement()) {
                    locker.setAutoCommit(false);
                    st.execute("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE");
                    String failed =
                            t.requestBody("bean:backupService?method=runScheduled('incremental')", null, String.class);
                    assertThat(failed).startsWith("failed:").contains("public.customers");
                    locker.rollback();
                }
                assertThat(p1.matches(10, TimeUnit.SECONDS))
                        .as("a P1 backup-failed signal went through direct:signals")
                        .isTrue();
                assertThat(router.get("/metrics").body())
                        .contains("ops_router_signals_total{source=\"backup\",state=\"firing\"} 1.0");
                assertThat(router.get("/metrics").body())
                        .contains("ops_router_backup_failures_total{reason=\"locked\",type=\"incremental\"} 1.0");
            }
        }
    }
}
