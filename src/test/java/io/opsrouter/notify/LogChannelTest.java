package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.app.Json;
import io.opsrouter.outbox.ChannelDirectory;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.testing.RouterHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogChannelTest {
    @TempDir
    Path home;

    @Test
    void withNoChannelConfiguredEveryNotificationIsWrittenToNotificationsJsonl() throws Exception {
        try (RouterHarness router = RouterHarness.shipped(home).start()) {
            var store = router.store();
            Notifications.enqueue(
                    store,
                    Notifications.of("k-log", "log"),
                    Notifications.of(
                            "k-sms",
                            "sms",
                            new Recipient("Ana", "+15145550123", null),
                            "P1",
                            "Emergency call waiting"));
            Path file = home.resolve("data/notifications.jsonl");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(file) && Files.readAllLines(file).size() == 2);
            List<String> lines = Files.readAllLines(file);
            // the P1 (addressed to SMS, which is off) is taken before the P2 written with it
            JsonNode first = Json.MAPPER.readTree(lines.get(1));
            assertThat(first.get("channel").asText()).isEqualTo("log");
            assertThat(first.get("idempotencyKey").asText()).isEqualTo("k-log");
            assertThat(first.get("text").asText())
                    .contains("[P2] firing: Site down: k-log")
                    .contains("Acknowledge: https://ops.example.com/ack/tok-k-log");
            JsonNode second = Json.MAPPER.readTree(lines.get(0));
            assertThat(second.get("channel").asText())
                    .as("what would have gone by SMS")
                    .isEqualTo("sms");
            assertThat(second.get("recipient").get("phone").asText()).isEqualTo("+15145550123");
            assertThat(second.get("text").asText()).contains("Emergency call waiting");
            assertThat(Notifications.status(store, "k-log")).isEqualTo("sent");
            assertThat(Notifications.status(store, "k-sms")).isEqualTo("sent");
            assertThat(router.get("/health").body()).contains("channel-log");
            var directory = router.app()
                    .camel()
                    .getRegistry()
                    .lookupByNameAndType(ChannelDirectory.BEAN, ChannelDirectory.class);
            assertThat(directory.enabled(ChannelName.LOG)).isTrue();
            assertThat(directory.enabled(ChannelName.SMS)).isFalse();
            assertThat(directory.enabled(ChannelName.SLACK)).isFalse();
        }
    }

    @Test
    void anEditedTemplateAppliesToTheNextMessageAndABrokenOneKeepsTheTemplatesInForce() throws Exception {
        try (RouterHarness router = RouterHarness.shipped(home)
                .setting("router.config.reload-interval", "50ms")
                .start()) {
            var store = router.store();
            Path file = home.resolve("data/notifications.jsonl");
            Files.writeString(home.resolve(MessageTemplates.DIR).resolve("log.txt"), "edited: ${summary}");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> router.get("/metrics")
                            .body()
                            .contains("ops_router_config_reloads_total{config=\"templates\",outcome=\"applied\"} 1.0"));
            Notifications.enqueue(store, Notifications.of("k-edited", "log"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(file) && Files.readAllLines(file).size() == 1);
            assertThat(Json.MAPPER
                            .readTree(Files.readAllLines(file).get(0))
                            .get("text")
                            .asText())
                    .isEqualTo("edited: Site down: k-edited");

            Files.writeString(home.resolve(MessageTemplates.DIR).resolve("log.txt"), "broken: ${sumary}");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> router.get("/metrics")
                            .body()
                            .contains("ops_router_config_reloads_total{config=\"templates\",outcome=\"refused\"} 1.0"));
            assertThat(router.get("/health").body())
                    .contains("last reload refused")
                    .contains("config/templates/log.txt")
                    .contains("unknown field");
            Notifications.enqueue(store, Notifications.of("k-kept", "log"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.readAllLines(file).size() == 2);
            assertThat(Json.MAPPER
                            .readTree(Files.readAllLines(file).get(1))
                            .get("text")
                            .asText())
                    .isEqualTo("edited: Site down: k-kept");
        }
    }

    @Test
    void afterLogrotateMovesOrDeletesTheFileTheNextMessageGoesToANewFile() throws Exception {
        try (RouterHarness router = RouterHarness.shipped(home).start()) {
            var store = router.store();
            Path file = home.resolve("data/notifications.jsonl");
            Path rotated = home.resolve("data/notifications.jsonl.1");
            Notifications.enqueue(store, Notifications.of("k-before", "log"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(file) && Files.readAllLines(file).size() == 1);

            Files.move(file, rotated);
            Notifications.enqueue(store, Notifications.of("k-after-move", "log"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(file) && Files.readAllLines(file).size() == 1);
            assertThat(Files.readAllLines(rotated))
                    .as("nothing more written to the moved file")
                    .hasSize(1)
                    .allSatisfy(l -> assertThat(l).contains("k-before"));
            assertThat(Files.readAllLines(file).get(0)).contains("k-after-move");

            Files.delete(file);
            Notifications.enqueue(store, Notifications.of("k-after-delete", "log"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(file) && Files.readAllLines(file).size() == 1);
            assertThat(Files.readAllLines(file).get(0)).contains("k-after-delete");
            assertThat(Notifications.status(store, "k-after-delete")).isEqualTo("sent");
        }
    }
}
