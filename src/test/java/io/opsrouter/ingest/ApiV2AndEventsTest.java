package io.opsrouter.ingest;

import static io.opsrouter.ingest.IngestHttp.post;
import static io.opsrouter.ingest.IngestHttp.signed;
import static io.opsrouter.ingest.IngestHttp.vector;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.alert.Fingerprint;
import io.opsrouter.alert.Severity;
import io.opsrouter.alert.Signal;
import io.opsrouter.testing.RecordingIntake;
import io.opsrouter.testing.RouterHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prometheus posting to /api/v2/alerts without credentials configured, and signed events. */
class ApiV2AndEventsTest {
    static final String SECRET = "event-secret-5678";
    static final Instant NOW = Instant.parse("2024-05-01T10:05:00Z");

    @TempDir
    Path home;

    RecordingIntake intake = new RecordingIntake().onlyFrom(RecordingIntake.FED_IN);
    RouterHarness router;

    @BeforeEach
    void start() {
        router = RouterHarness.shipped(home)
                .modules(intake.modules())
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .env("ROUTER_WEBHOOK_SECRET", SECRET)
                .start();
    }

    @AfterEach
    void stop() {
        router.close();
    }

    @Test
    void prometheusAlertListIsAcceptedWithoutATokenWhenNoneIsSet() {
        HttpResponse<String> r = router.send(post(router, "/api/v2/alerts", vector("api-v2.json")));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(intake.signals).hasSize(2);
        Signal firing = intake.signals.get(0);
        assertThat(firing.source()).isEqualTo("prometheus");
        assertThat(firing.state()).isEqualTo(Signal.State.FIRING);
        assertThat(firing.severity()).isEqualTo(Severity.P1);
        assertThat(firing.at()).isEqualTo(Instant.parse("2024-05-01T10:00:00.5Z"));
        assertThat(firing.externalId()).matches("[0-9a-f]{16}").isEqualTo(Fingerprint.of(firing.labels()));
        Signal resolved = intake.signals.get(1);
        assertThat(resolved.state()).isEqualTo(Signal.State.RESOLVED);
        assertThat(resolved.at()).isEqualTo(Instant.parse("2024-05-01T09:00:00Z"));
        assertThat(resolved.severity()).isEqualTo(Severity.P2);
    }

    @Test
    void apiV2RefusesAnObjectOrAnEmptyListOrALabellessAlert() {
        assertThat(router.send(post(router, "/api/v2/alerts", "[]")).statusCode())
                .isEqualTo(400);
        assertThat(router.send(post(router, "/api/v2/alerts", "{\"alerts\":[]}"))
                        .body())
                .contains("\"field\":\"body\"");
        HttpResponse<String> r = router.send(post(router, "/api/v2/alerts", "[{\"annotations\":{}}]"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"field\":\"[0].labels\"");
        assertThat(intake.signals).isEmpty();
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWhileItArrives() {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        HttpRequest.BodyPublisher endless = new HttpRequest.BodyPublisher() {
            @Override
            public long contentLength() {
                return -1; // chunked: no Content-Length to refuse up front
            }

            @Override
            public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
                HttpRequest.BodyPublishers.ofByteArrays(java.util.Collections.nCopies(64, chunk))
                        .subscribe(s);
            }
        };
        HttpResponse<String> r = router.send(HttpRequest.newBuilder(URI.create(router.baseUrl() + "/api/v2/alerts"))
                .header("Content-Type", "application/json")
                .POST(endless));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("\"field\":\"body\"");
        assertThat(router.get("/-/healthy").statusCode()).isEqualTo(200);
    }

    @Test
    void aSignedEventIsAccepted() {
        byte[] body =
                ("{\"source\":\"vapi\",\"name\":\"AssistantErrors\",\"priority\":\"P1\",\"labels\":{\"assistant\":\"night\"},"
                                + "\"summary\":\"The voice assistant fails calls\"}")
                        .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = router.send(signed(router, SECRET, NOW.getEpochSecond(), body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Signal s = intake.signals.get(0);
        assertThat(s.source()).isEqualTo("webhook");
        assertThat(s.name()).isEqualTo("AssistantErrors");
        assertThat(s.severity()).isEqualTo(Severity.P1);
        assertThat(s.labels())
                .containsEntry("assistant", "night")
                .containsEntry("source", "vapi")
                .containsEntry("alertname", "AssistantErrors");
        assertThat(s.annotations()).containsEntry("summary", "The voice assistant fails calls");
        assertThat(s.state()).isEqualTo(Signal.State.FIRING);

        byte[] resolved = "{\"source\":\"deploy\",\"name\":\"DeployFailed\",\"severity\":\"warning\",\"resolved\":true}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(router.send(signed(router, SECRET, NOW.getEpochSecond() - 60, resolved))
                        .statusCode())
                .isEqualTo(200);
        assertThat(intake.signals.get(1).state()).isEqualTo(Signal.State.RESOLVED);
        assertThat(intake.signals.get(1).severity()).isEqualTo(Severity.P2);
    }

    @Test
    void forgedReplayedOrUnsignedEventsAre401() {
        byte[] body = "{\"source\":\"vapi\",\"name\":\"AssistantErrors\"}".getBytes(StandardCharsets.UTF_8);
        long now = NOW.getEpochSecond();
        HttpResponse<String> wrongSecret = router.send(signed(router, "not-the-secret", now, body));
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(wrongSecret.body()).contains("\"field\":\"X-Signature\"");

        byte[] altered = "{\"source\":\"vapi\",\"name\":\"AssistantErrorz\"}".getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder tampered =
                signed(router, SECRET, now, body).POST(HttpRequest.BodyPublishers.ofByteArray(altered));
        assertThat(router.send(tampered).statusCode()).isEqualTo(401);

        HttpResponse<String> old = router.send(signed(router, SECRET, now - 301, body));
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(old.body()).contains("\"field\":\"X-Timestamp\"");
        assertThat(router.send(signed(router, SECRET, now + 301, body)).statusCode())
                .isEqualTo(401);

        assertThat(router.send(post(router, "/webhooks/events", body)).statusCode())
                .isEqualTo(401);
        assertThat(router.send(post(router, "/webhooks/events", body)
                                .header("X-Timestamp", "yesterday")
                                .header("X-Signature", "sha256=00"))
                        .statusCode())
                .isEqualTo(401);
        assertThat(intake.signals).isEmpty();
        assertThat(router.get("/metrics").body())
                .contains("ops_router_ingest_refused_total{endpoint=\"events\",reason=\"bad_signature\"}")
                .contains("ops_router_ingest_refused_total{endpoint=\"events\",reason=\"replay\"}");
    }

    @Test
    void aSignedEventWithBadFieldsIs400NamingTheField() {
        long now = NOW.getEpochSecond();
        String[][] cases = {
            {"{\"name\":\"X\"}", "source"},
            {"{\"source\":\"s\"}", "name"},
            {"{\"source\":\"s\",\"name\":\"X\",\"priority\":\"urgent\"}", "priority"},
            {"{\"source\":\"s\",\"name\":\"X\",\"resolved\":\"yes\"}", "resolved"},
            {"{\"source\":\"s\",\"name\":\"X\",\"labels\":[\"a\"]}", "labels"},
            {"{\"source\":\"s\",\"name\":\"X\",\"summary\":42}", "summary"},
            {"{\"source\":\"s\"", "body"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = router.send(signed(router, SECRET, now, c[0].getBytes(StandardCharsets.UTF_8)));
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(r.body()).as(c[0]).contains("\"field\":\"" + c[1] + "\"");
        }
        assertThat(intake.signals).isEmpty();
    }
}
