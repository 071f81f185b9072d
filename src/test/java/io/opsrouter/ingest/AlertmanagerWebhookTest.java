package io.opsrouter.ingest;

import static io.opsrouter.ingest.IngestHttp.post;
import static io.opsrouter.ingest.IngestHttp.vector;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.alert.Severity;
import io.opsrouter.alert.Signal;
import io.opsrouter.testing.RecordingIntake;
import io.opsrouter.testing.RouterHarness;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertmanagerWebhookTest {
    static final String TOKEN = "webhook-token-1234";

    @TempDir
    Path home;

    RecordingIntake intake = new RecordingIntake().onlyFrom(RecordingIntake.FED_IN);
    RouterHarness router;

    @BeforeEach
    void start() {
        router = RouterHarness.shipped(home)
                .modules(intake.modules())
                .env("ROUTER_WEBHOOK_TOKEN", TOKEN)
                .start();
    }

    @AfterEach
    void stop() {
        router.close();
    }

    private HttpResponse<String> webhook(String body) {
        return router.send(post(router, "/webhooks/alertmanager", body).header("Authorization", "Bearer " + TOKEN));
    }

    @Test
    void firingAlertBecomesAFiringSignalWithItsFingerprintAndMappedSeverity() {
        HttpResponse<String> r = webhook(vector("firing.json"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"accepted\":1");
        assertThat(intake.signals).hasSize(1);
        Signal s = intake.signals.get(0);
        assertThat(s.source()).isEqualTo("alertmanager");
        assertThat(s.name()).isEqualTo("SupabaseDown");
        assertThat(s.state()).isEqualTo(Signal.State.FIRING);
        assertThat(s.severity()).isEqualTo(Severity.P1);
        assertThat(s.externalId()).isEqualTo("a3f1c2d4e5b60718");
        assertThat(s.at()).isEqualTo(Instant.parse("2024-05-01T10:00:00.123456789Z"));
        assertThat(s.labels()).containsEntry("instance", "db.example.com:5432").containsEntry("job", "postgres");
        assertThat(s.annotations())
                .containsEntry("summary", "Supabase database is down")
                .containsEntry(
                        "generatorURL", "http://prometheus.example.com:9090/graph?g0.expr=pg_up+%3D%3D+0&g0.tab=1");
    }

    @Test
    void resolvedAlertResolvesTheSameFingerprintAtItsEndTime() {
        assertThat(webhook(vector("firing.json")).statusCode()).isEqualTo(200);
        assertThat(webhook(vector("resolved.json")).statusCode()).isEqualTo(200);
        assertThat(intake.signals).hasSize(2);
        Signal resolved = intake.signals.get(1);
        assertThat(resolved.state()).isEqualTo(Signal.State.RESOLVED);
        assertThat(resolved.externalId()).isEqualTo(intake.signals.get(0).externalId());
        assertThat(resolved.at()).isEqualTo(Instant.parse("2024-05-01T08:07:30Z"));
    }

    @Test
    void groupedPayloadGivesOneSignalPerAlertAndAPriorityLabelWins() {
        assertThat(webhook(vector("grouped.json")).statusCode()).isEqualTo(200);
        assertThat(intake.signals).extracting(Signal::name).containsExactly("SiteDown", "SiteSlow", "CertExpiring");
        assertThat(intake.signals).extracting(Signal::severity).containsExactly(Severity.P1, Severity.P1, Severity.P3);
        assertThat(intake.signals)
                .extracting(Signal::state)
                .containsExactly(Signal.State.FIRING, Signal.State.FIRING, Signal.State.RESOLVED);
    }

    @Test
    void truncatedAlertsAreCountedAndTheRestAccepted() {
        assertThat(webhook(vector("truncated.json")).statusCode()).isEqualTo(200);
        assertThat(intake.signals)
                .hasSize(2)
                .allSatisfy(s -> assertThat(s.severity()).isEqualTo(Severity.P2));
        assertThat(router.get("/metrics").body())
                .contains("ops_router_ingest_truncated_alerts_total 5.0")
                .contains("ops_router_alerts_received_total{source=\"alertmanager\"} 2.0")
                .contains("ops_router_ingest_requests_total{endpoint=\"alertmanager\",status=\"200\"} 1.0");
    }

    @Test
    void fieldsOfNewerAlertmanagersAreIgnored() {
        assertThat(webhook(vector("newer-fields.json")).statusCode()).isEqualTo(200);
        assertThat(intake.signals).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("BackupMissing");
            assertThat(s.annotations()).containsEntry("runbook_url", "https://wiki.example.com/backups");
        });
    }

    @Test
    void missingOrWrongCredentialsAre401AndNothingIsAccepted() {
        HttpResponse<String> none = router.send(post(router, "/webhooks/alertmanager", vector("firing.json")));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("\"field\":\"Authorization\"").doesNotContain(TOKEN);
        assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
        HttpResponse<String> wrong = router.send(post(router, "/webhooks/alertmanager", vector("firing.json"))
                .header("Authorization", "Bearer not-the-token"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        HttpResponse<String> v2 = router.send(post(router, "/api/v2/alerts", vector("api-v2.json")));
        assertThat(v2.statusCode()).isEqualTo(401);
        assertThat(intake.signals).isEmpty();
        assertThat(router.get("/metrics").body())
                .contains("ops_router_ingest_refused_total{endpoint=\"alertmanager\",reason=\"unauthorized\"} 2.0");
    }

    @Test
    void aLargeUnauthenticatedBodyIsAnswered401WithoutBeingKept() {
        String padded = vector("firing.json")
                .replace("\"receiver\": \"ops-router\"", "\"receiver\": \"" + "r".repeat(900 * 1024) + "\"");
        for (int i = 0; i < 3; i++) {
            assertThat(router.send(post(router, "/webhooks/alertmanager", padded))
                            .statusCode())
                    .isEqualTo(401);
        }
        assertThat(webhook(vector("firing.json")).statusCode()).isEqualTo(200);
    }

    @Test
    void basicAuthWithTheTokenAsPasswordIsAccepted() {
        String basic = Base64.getEncoder().encodeToString(("alertmanager:" + TOKEN).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = router.send(post(router, "/webhooks/alertmanager", vector("firing.json"))
                .header("Authorization", "Basic " + basic));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(intake.signals).hasSize(1);
    }

    @Test
    void aContentTypeOtherThanJsonIs415() {
        HttpResponse<String> r = router.send(post(router, "/webhooks/alertmanager", vector("firing.json"))
                .header("Authorization", "Bearer " + TOKEN)
                .setHeader("Content-Type", "text/plain"));
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.body()).contains("\"field\":\"Content-Type\"");
    }

    @Test
    void badInputIs400NamingTheField() {
        String firing = vector("firing.json");
        assertRefused(firing.replace("\"alerts\": [", "\"alerts\": [], \"alerts\": ["), 400, "body");
        assertRefused("{\"version\":\"4\",\"alerts\":[]}", 400, "alerts");
        assertRefused("{\"version\":\"4\"}", 400, "alerts");
        assertRefused(firing.replace("\"version\": \"4\"", "\"version\": 4"), 400, "version");
        assertRefused(firing.replace("2024-05-01T10:00:00.123456789Z", "May 1st 2024"), 400, "alerts[0].startsAt");
        assertRefused(firing.replace("\"truncatedAlerts\": 0", "\"truncatedAlerts\": -1"), 400, "truncatedAlerts");
        assertRefused(
                firing.replace("\"truncatedAlerts\": 0", "\"truncatedAlerts\": 99999999999999999999999"),
                400,
                "truncatedAlerts");
        assertRefused(
                firing.replace(
                        "\"status\": \"firing\",\n      \"labels\"", "\"status\": \"burning\",\n      \"labels\""),
                400,
                "alerts[0].status");
        assertRefused(
                firing.replace(
                        "\"alertname\": \"SupabaseDown\", \"instance\": \"db.example.com:5432\", \"job\": \"postgres\", \"severity\": \"critical\"},\n      \"annotations\"",
                        "\"instance\": 7},\n      \"annotations\""),
                400,
                "alerts[0].labels.instance");
        assertRefused(
                firing.replace("\"fingerprint\": \"a3f1c2d4e5b60718\"", "\"fingerprint\": \"<script>\""),
                400,
                "alerts[0].fingerprint");
        assertRefused("[1,2,3]", 400, "body");
        assertRefused("{\"version\":\"4\",", 400, "body");
        assertThat(intake.signals).isEmpty();
    }

    @Test
    void invalidUtf8Is400() {
        byte[] bytes = vector("firing.json")
                .replace("Supabase database is down\", \"description", "XX\", \"description")
                .getBytes(StandardCharsets.UTF_8);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("XX");
        bytes[at] = (byte) 0xC3;
        bytes[at + 1] = (byte) 0x28;
        HttpResponse<String> r =
                router.send(post(router, "/webhooks/alertmanager", bytes).header("Authorization", "Bearer " + TOKEN));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"field\":\"body\"");
    }

    @Test
    void tooManyLabelsAndOverlongValuesAre400() {
        StringBuilder labels = new StringBuilder("\"alertname\":\"Many\"");
        for (int i = 0; i < 70; i++) labels.append(",\"l").append(i).append("\":\"v\"");
        assertRefused(
                "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{" + labels + "}}]}",
                400,
                "alerts[0].labels");
        assertRefused(
                "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"" + "x".repeat(1025)
                        + "\"}}]}",
                400,
                "alerts[0].labels.alertname");
        assertRefused(
                "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"},\"annotations\":{\"d\":\""
                        + "x".repeat(8193) + "\"}}]}",
                400,
                "alerts[0].annotations.d");
    }

    @Test
    void moreAlertsThanTheLimitOrABodyOverTheLimitIs413() {
        StringBuilder alerts = new StringBuilder();
        for (int i = 0; i < 1001; i++) {
            if (i > 0) alerts.append(',');
            alerts.append("{\"status\":\"firing\",\"labels\":{\"alertname\":\"A")
                    .append(i)
                    .append("\"}}");
        }
        assertRefused("{\"version\":\"4\",\"alerts\":[" + alerts + "]}", 413, "alerts");
        String big = "{\"version\":\"4\",\"pad\":\"" + "x".repeat(1024 * 1024) + "\",\"alerts\":[]}";
        assertRefused(big, 413, "body");
        assertThat(intake.signals).isEmpty();
        assertThat(webhook(vector("firing.json")).statusCode()).isEqualTo(200);
    }

    @Test
    void aFailingIntakeIsA503SoAlertmanagerRetriesAndNothingIsClaimed() {
        intake.failure = new IllegalStateException("database is gone");
        HttpResponse<String> r = webhook(vector("firing.json"));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body())
                .contains("retry")
                .doesNotContain("database is gone")
                .doesNotContain("Exception");
        intake.failure = null;
        assertThat(webhook(vector("firing.json")).statusCode()).isEqualTo(200);
    }

    @Test
    void wrongMethodIsRefusedWith4xx() {
        assertThat(router.get("/webhooks/alertmanager").statusCode()).isBetween(400, 499);
    }

    @Test
    void alertmanagerHealthEndpointsAnswerOkInPlainText() {
        for (String path : new String[] {"/-/healthy", "/-/ready"}) {
            HttpResponse<String> r = router.get(path);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("OK");
            assertThat(r.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        }
    }

    private void assertRefused(String body, int status, String field) {
        HttpResponse<String> r = webhook(body);
        assertThat(r.statusCode())
                .as(body.length() > 300 ? body.substring(0, 300) : body)
                .isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).contains("application/json"));
        assertThat(r.body())
                .contains("\"field\":\"" + field + "\"")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }
}
