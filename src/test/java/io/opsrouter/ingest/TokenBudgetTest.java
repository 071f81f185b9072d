package io.opsrouter.ingest;

import static io.opsrouter.ingest.IngestHttp.post;
import static io.opsrouter.ingest.IngestHttp.vector;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.app.AuthFailures;
import io.opsrouter.testing.RecordingIntake;
import io.opsrouter.testing.RouterHarness;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sender with the webhook token has its own budget; wrong tokens from an address are throttled. */
class TokenBudgetTest {
    static final String TOKEN = "webhook-token-budget-0001";

    @TempDir
    Path home;

    RouterHarness router;
    RecordingIntake intake = new RecordingIntake().onlyFrom(RecordingIntake.FED_IN);

    @AfterEach
    void stop() {
        if (router != null) router.close();
    }

    HttpResponse<String> send(String authorization) {
        var request = post(router, "/webhooks/alertmanager", vector("firing.json"));
        if (authorization != null) request.header("Authorization", authorization);
        return router.send(request);
    }

    @Test
    void anUnauthenticatedFloodFromTheSameAddressDoesNotRateLimitTheRealSender() {
        router = RouterHarness.shipped(home)
                .modules(intake.modules())
                .env("ROUTER_WEBHOOK_TOKEN", TOKEN)
                .setting(IngestSettings.RATE_LIMIT, "3")
                .setting(IngestSettings.RATE_PERIOD, "1h")
                .setting(AuthFailures.ALLOWED, "1000")
                .start();
        for (int i = 0; i < 3; i++) assertThat(send(null).statusCode()).isEqualTo(401);
        assertThat(send(null).statusCode()).as("the address's budget is spent").isEqualTo(429);
        assertThat(send("Bearer wrong-token-of-some-length").statusCode()).isEqualTo(429);

        HttpResponse<String> real = send("Bearer " + TOKEN);
        assertThat(real.statusCode()).as("the token's own budget").isEqualTo(200);
        assertThat(send("Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(intake.signals).isNotEmpty();
    }

    @Test
    void theTokensOwnBudgetIsLimitedToo() {
        router = RouterHarness.shipped(home)
                .modules(intake.modules())
                .env("ROUTER_WEBHOOK_TOKEN", TOKEN)
                .setting(IngestSettings.TOKEN_RATE_LIMIT, "2")
                .setting(IngestSettings.RATE_PERIOD, "1h")
                .start();
        assertThat(send("Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(send("Bearer " + TOKEN).statusCode()).isEqualTo(200);
        HttpResponse<String> limited = send("Bearer " + TOKEN);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void wrongTokensFromAnAddressAreAnswered429AfterTheAllowedFailuresButTheRightTokenStillPasses() {
        router = RouterHarness.shipped(home)
                .modules(intake.modules())
                .env("ROUTER_WEBHOOK_TOKEN", TOKEN)
                .setting(IngestSettings.RATE_LIMIT, "1000")
                .setting(AuthFailures.ALLOWED, "3")
                .setting(AuthFailures.PERIOD, "1h")
                .start();
        for (int i = 0; i < 3; i++)
            assertThat(send("Bearer guess-" + i + "-xxxxxxxxxxxx").statusCode()).isEqualTo(401);
        HttpResponse<String> throttled = send("Bearer guess-4-xxxxxxxxxxxx");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        assertThat(throttled.body()).contains("too many wrong tokens").contains("\"field\":\"Authorization\"");
        assertThat(send(null).statusCode()).isEqualTo(429);
        assertThat(send("Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(router.get("/metrics").body())
                .contains(
                        "ops_router_ingest_refused_total{endpoint=\"alertmanager\",reason=\"too_many_failures\"} 2.0");
    }
}
