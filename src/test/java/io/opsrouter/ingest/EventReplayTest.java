package io.opsrouter.ingest;

import static io.opsrouter.ingest.IngestHttp.signed;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.alert.MovableClock;
import io.opsrouter.testing.RouterHarness;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A captured signed event replayed changes nothing; a timestamp from the future is refused (issue 18, finding 5). */
class EventReplayTest {
    static final String SECRET = "event-secret-replay-5678";
    static final Instant NOW = Instant.parse("2026-12-06T03:00:00Z");

    @TempDir
    Path home;

    RouterHarness router;
    MovableClock clock = new MovableClock(NOW);

    @BeforeEach
    void start() {
        router = RouterHarness.shipped(home)
                .clock(clock)
                .env("ROUTER_WEBHOOK_SECRET", SECRET)
                .start();
    }

    /** Signed at the router's current time, then the clock moves on a little (the engine orders an alert's signals by time). */
    HttpResponse<String> sendNow(byte[] body) {
        HttpResponse<String> r =
                router.send(signed(router, SECRET, clock.instant().getEpochSecond(), body));
        clock.advance(Duration.ofSeconds(20));
        return r;
    }

    @AfterEach
    void stop() {
        router.close();
    }

    static byte[] event(String id, boolean resolved) {
        return ("{" + (id == null ? "" : "\"id\":\"" + id + "\",")
                        + "\"source\":\"vapi\",\"name\":\"AssistantDown\",\"priority\":\"P1\","
                        + "\"labels\":{\"assistant\":\"night\"},\"summary\":\"The voice assistant answers no call\",\"resolved\":"
                        + resolved + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    List<String> activeStatuses() {
        return router.store().read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT status FROM alerts WHERE name = 'AssistantDown' AND active_fp IS NOT NULL");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        });
    }

    @Test
    void aCapturedResolveReplayedAfterTheAlertFiredAgainIsADuplicateAndTheP1StaysFiring() {
        assertThat(sendNow(event("fire-1", false)).statusCode()).isEqualTo(200);
        assertThat(activeStatuses()).hasSize(1);
        long resolvedAt = clock.instant().getEpochSecond();
        HttpResponse<String> resolved = sendNow(event("resolve-1", true));
        assertThat(resolved.statusCode()).isEqualTo(200);
        assertThat(resolved.body()).contains("\"accepted\":1");
        assertThat(activeStatuses()).isEmpty();
        assertThat(sendNow(event("fire-2", false)).statusCode()).isEqualTo(200);
        assertThat(activeStatuses()).hasSize(1);

        // the captured resolve, sent again byte for byte within its 5-minute window
        HttpResponse<String> replay = router.send(signed(router, SECRET, resolvedAt, event("resolve-1", true)));
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.body()).contains("\"status\":\"duplicate\"").contains("\"accepted\":0");
        assertThat(activeStatuses()).as("the P1 that fired again stays active").hasSize(1);
        // the sender re-signing the same id later is the same event too
        assertThat(sendNow(event("resolve-1", true)).body()).contains("duplicate");
        assertThat(activeStatuses()).hasSize(1);
        assertThat(router.get("/metrics").body())
                .contains("ops_router_ingest_refused_total{endpoint=\"events\",reason=\"duplicate\"} 2.0");
    }

    @Test
    void anEventWithoutAnIdIsTakenOnceByItsSignature() {
        assertThat(sendNow(event(null, false)).body()).contains("\"accepted\":1");
        long resolvedAt = clock.instant().getEpochSecond();
        assertThat(sendNow(event(null, true)).body()).contains("\"accepted\":1");
        assertThat(sendNow(event(null, false)).body()).contains("\"accepted\":1");
        assertThat(router.send(signed(router, SECRET, resolvedAt, event(null, true)))
                        .body())
                .contains("duplicate");
        assertThat(activeStatuses()).hasSize(1);
    }

    @Test
    void aTimestampFromTheFutureBeyondTheSkewIsRefusedNamingTheReason() {
        long ts = NOW.getEpochSecond();
        HttpResponse<String> future = router.send(signed(router, SECRET, ts + 31, event("future-1", false)));
        assertThat(future.statusCode()).isEqualTo(401);
        assertThat(future.body()).contains("ahead of the router's clock").contains("\"field\":\"X-Timestamp\"");
        assertThat(activeStatuses()).isEmpty();
        assertThat(router.send(signed(router, SECRET, ts + 29, event("future-2", false)))
                        .statusCode())
                .as("within the skew")
                .isEqualTo(200);
        assertThat(router.get("/metrics").body())
                .contains("ops_router_ingest_refused_total{endpoint=\"events\",reason=\"future_timestamp\"}");
    }

    @Test
    void anEmptyOrOverlongIdIsRefusedNamingTheField() {
        long ts = NOW.getEpochSecond();
        HttpResponse<String> empty = router.send(signed(router, SECRET, ts, event("", false)));
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("\"field\":\"id\"");
        assertThat(router.send(signed(router, SECRET, ts, event("x".repeat(257), false)))
                        .statusCode())
                .isEqualTo(400);
    }
}
