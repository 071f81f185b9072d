package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.alert.AlertEngine;
import io.opsrouter.alert.AlertModule;
import io.opsrouter.alert.MovableClock;
import io.opsrouter.alert.Signal;
import io.opsrouter.notify.channel.SmsSegment;
import io.opsrouter.testing.RouterHarness;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped router, a P1 emergency-call alert, a stand-in Twilio: the phone gets one GSM-7 segment with severity
 * and summary first, since when in Toronto time, the value, what to do and the short link; opening that link and
 * pressing the button acknowledges, and the next SMS says who acknowledged, how, and after how long.
 */
class PhoneSmsEndToEndTest {
    /** 03:12 in Toronto. */
    static final Instant NIGHT = Instant.parse("2026-12-01T08:12:00Z");

    static final String SID = "AC0123456789abcdef" + "0123456789abcdef";

    @TempDir
    Path home;

    @Test
    void aP1ReadsWellOnThePhoneAndTheAcknowledgementSaysWhoAndHow() {
        MovableClock clock = new MovableClock(NIGHT);
        try (FakeApi twilio = new FakeApi().okBody("{\"sid\": \"SM123\", \"status\": \"queued\"}");
                RouterHarness r = RouterHarness.shipped(home)
                        .clock(clock)
                        .setting(AlertModule.SWEEP_TIMER, "false")
                        .env("ROUTER_PUBLIC_URL", "https://ops.example.com")
                        .env("ONCALL_PRIMARY_NAME", "Pat")
                        .env("ONCALL_PRIMARY_PHONE", "+15145550001")
                        .env("TWILIO_ACCOUNT_SID", SID)
                        .env("TWILIO_AUTH_TOKEN", "twilio-token")
                        .env("TWILIO_FROM_NUMBER", "+15145550100")
                        .env("TWILIO_API_URL", twilio.url())
                        .start()) {
            AlertEngine engine = r.app().camel().getRegistry().lookupByNameAndType("alertEngine", AlertEngine.class);
            // as the shipped p1-unprocessed monitor reports it (probe.ProbeSignals)
            engine.accept(List.of(new Signal(
                    "probe",
                    "p1-unprocessed",
                    Map.of(
                            "alertname",
                            "p1-unprocessed",
                            "monitor",
                            "p1-unprocessed",
                            "kind",
                            "sql",
                            "service",
                            "calls"),
                    Map.of(
                            "summary", "p1-unprocessed is down: unprocessed_p1 == 0 (got 1)",
                            "detail", "unprocessed_p1 == 0 (got 1)",
                            "runbook", "An emergency call waits. Open the call queue and call the customer back now."),
                    Map.of("success", 0.0, "latency_seconds", 0.004, "unprocessed_p1", 1.0),
                    Signal.State.FIRING,
                    null,
                    NIGHT,
                    null)));
            clock.advance(Duration.ofSeconds(15));
            engine.sweep();
            await().atMost(Duration.ofSeconds(20)).until(() -> twilio.accepted().size() >= 1);
            String page = body(twilio.accepted().get(0));
            assertThat(SmsSegment.isGsm7(page)).isTrue();
            assertThat(SmsSegment.segments(page)).as(page).isEqualTo(1);
            // the runbook sentence gives way first when the 160 characters run out; never the summary, time or link
            assertThat(page)
                    .matches("\\[P1] 1 emergency \\(P1\\) call\\(s\\) unprocessed for more than a minute\n"
                            + "Since 03:12 -05:00: unprocessed_p1 == 0 \\(got 1\\)\n"
                            + "(An emergency call waits[^\n]*\n)?"
                            + "https://ops\\.example\\.com/a/[0-9A-HJKMNP-TV-Z]{8}")
                    .doesNotContain("docs/");

            String path = page.substring(page.lastIndexOf("/a/"));
            assertThat(r.get(path).body()).contains("1 emergency (P1) call(s) unprocessed");
            clock.advance(Duration.ofMinutes(4));
            HttpResponse<String> done = r.send(HttpRequest.newBuilder(URI.create(r.baseUrl() + path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("by=Pat")));
            assertThat(done.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> twilio.accepted().size() >= 2);
            String notice = body(twilio.accepted().get(1));
            assertThat(notice)
                    .isEqualTo("[P1] 1 emergency (P1) call(s) unprocessed for more than a minute\n"
                            + "Acknowledged by Pat via link at 03:16 -05:00, open 4m 15s\n"
                            + "unprocessed_p1 == 0 (got 1)");
        }
    }

    static String body(FakeApi.Request req) {
        for (String pair : req.body().split("&")) {
            int eq = pair.indexOf('=');
            if (pair.substring(0, eq).equals("Body"))
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
        throw new AssertionError("no Body in " + req.body());
    }
}
