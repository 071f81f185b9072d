package io.opsrouter.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.app.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboxPayloadTest {
    @Test
    void aRowsPayloadIsTheMappersJsonOfItsNotificationAndReadsBackTheSame() throws Exception {
        AlertView alert = new AlertView(
                "a-1",
                "fp1",
                "firing",
                "P1",
                "SiteDown",
                "front end unreachable",
                "Restart the web tier",
                Map.of("alertname", "SiteDown", "service", "web"),
                Map.of("description", "503 from /health"),
                Map.of("latency_seconds", 2.5),
                Instant.parse("2026-11-24T10:00:00Z"),
                Instant.parse("2026-11-24T10:00:05Z"));
        Notification n = new Notification(
                "fire:g1:1:webhook:-",
                ChannelName.of("webhook"),
                null,
                Notification.Kind.FIRING,
                "P1",
                "severity=P1,service=web",
                List.of(alert),
                "https://ops.example.com/a/7KQ2XM8P");

        String payload = Outbox.payload(n);

        assertThat(payload).isEqualTo(Json.write(n)).doesNotContain("\"digest\"");
        assertThat(Json.MAPPER.readValue(payload, Notification.class)).isEqualTo(n);
    }
}
