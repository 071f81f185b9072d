package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.app.Json;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.store.StateStore;
import io.opsrouter.testing.OutboxRows;
import io.opsrouter.testing.RouterHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storm of P3 messages for one person folded by the shipped notify-fold route into one digest, which goes out
 * (here through the log channel: no SMS provider configured) together with the P1 that was queued beside them.
 */
class DigestDeliveryTest {
    static final Recipient ANN = new Recipient("Ann", "+15145550123", null);

    @TempDir
    Path home;

    /** The shipped routes/notify.yaml without its poll, so only a wake-up (the digest's enqueue) delivers. */
    static String notifyRoutesWithoutPoll() throws Exception {
        String yaml = Files.readString(RouterHarness.REPO.resolve("routes/notify.yaml"));
        return Arrays.stream(yaml.split("\n(?=- )"))
                .filter(item -> !item.contains("id: notify-poll"))
                .collect(Collectors.joining("\n"));
    }

    @Test
    void aStormOfLesserMessagesGoesOutAsOneDigestBesideItsP1() throws Exception {
        try (RouterHarness router = RouterHarness.shipped(home)
                .writeFile("routes/notify.yaml", notifyRoutesWithoutPoll())
                .setting("notify.digest.interval", "100ms")
                .start()) {
            StateStore store = router.store();
            List<Notification> storm = new ArrayList<>();
            for (int i = 0; i < 70; i++)
                storm.add(OutboxRows.firing("p3-" + i, ChannelName.SMS, ANN, "P3", "svc" + (i % 3)));
            storm.add(OutboxRows.firing("p1", ChannelName.SMS, ANN, "P1", "calls"));
            OutboxRows.insertAll(store, storm, Instant.now());

            Path file = home.resolve("data/notifications.jsonl");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Files.exists(file) && Files.readAllLines(file).size() >= 2);

            List<JsonNode> lines = new ArrayList<>();
            for (String l : Files.readAllLines(file)) lines.add(Json.MAPPER.readTree(l));
            assertThat(lines).hasSize(2);
            List<String> texts = lines.stream().map(l -> l.get("text").asText()).toList();
            assertThat(texts)
                    .anySatisfy(t -> assertThat(t)
                            .isEqualTo("[P3] 70 more alerts firing in 3 services: svc0, svc1, svc2. "
                                    + router.baseUrl().replace("127.0.0.1", "localhost")
                                    + "/api/alerts?status=firing"))
                    .anySatisfy(t -> assertThat(t).contains("[P1]").contains("queue slow: p1"));
            assertThat(OutboxRows.count(store, "status = 'folded'")).isEqualTo(70);
            await().atMost(Duration.ofSeconds(10)).until(() -> OutboxRows.count(store, "status = 'sent'") == 2);
            assertThat(router.get("/metrics").body().lines())
                    .contains("ops_router_notifications_folded_total{channel=\"sms\"} 70.0");
        }
    }
}
