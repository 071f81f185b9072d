package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.config.SettingsException;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.testing.RouterHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessageTemplatesTest {
    static final Path FIXTURES = RouterHarness.REPO.resolve("src/test/resources/notify/templates");

    static Stream<Path> fixtures() throws IOException {
        return Files.list(FIXTURES).filter(Files::isDirectory).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void aBrokenTemplateIsRefusedAtLoadNamingFileAndLine(Path fixture) throws IOException {
        String expect = Files.readString(fixture.resolve("expect")).trim();
        assertThatThrownBy(() -> MessageTemplates.load(fixture, new HashSet<>(ChannelName.idList())))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(expect);
    }

    @Test
    void theShippedTemplatesLoadAndPreferTheSeverityFile() {
        MessageTemplates t = MessageTemplates.load(RouterHarness.REPO, new HashSet<>(ChannelName.idList()));
        assertThat(t.forMessage("slack", "P1").file()).isEqualTo("config/templates/slack-P1.txt");
        assertThat(t.forMessage("slack", "P2").file()).isEqualTo("config/templates/slack.txt");
        assertThat(t.forMessage("email", "P3").file()).isEqualTo("config/templates/email.txt");
    }

    @Test
    void aLineWhosePlaceholdersAreAllEmptyIsLeftOut() {
        MessageTemplate t = MessageTemplate.parse(
                "t", "Subject: [${severity}] ${summary}\n${summary}\nAck: ${ackUrl}\nHost: ${labels.host}\nend", true);
        Map<String, String> f = Map.of("severity", "P2", "summary", "Disk full", "ackUrl", "", "labels.host", "db1");
        assertThat(t.renderSubject(f)).isEqualTo("[P2] Disk full");
        assertThat(t.render(f)).isEqualTo(String.join("\n", List.of("Disk full", "Host: db1", "end")));
    }

    @Test
    void aValueThatLooksLikeAPlaceholderIsNotExpanded() {
        MessageTemplate t = MessageTemplate.parse("t", "${summary} ${ackUrl}", false);
        assertThat(t.render(Map.of("summary", "${ackUrl}", "ackUrl", "https://x")))
                .isEqualTo("${ackUrl} https://x");
    }

    @Test
    void fieldsComeFromTheNotificationAndItsAlerts() {
        Notification n = Notifications.of("k1", "slack", new Recipient("Ana", "+15145550123", null), "P1", "Site down");
        Map<String, String> f = MessageFields.of(n);
        assertThat(f)
                .containsEntry("labels.service", "web")
                .containsEntry("values.status", "503")
                .containsEntry("values.latency_seconds", "2.5 s")
                .containsEntry("recipient", "Ana")
                .containsEntry("count", "1")
                .containsEntry("kind", "firing")
                .containsEntry("annotations.description", "front end unreachable");
    }

    @Test
    void aMessageComputesTheListsItsTemplateNamesAndRendersAsWithEveryField() {
        Notification n = Notifications.of("k3", "slack", new Recipient("Ana", "+15145550123", null), "P1", "Site down");
        MessageTemplate t = MessageTemplate.parse("t", "${summary} ${labels.service}\n${alerts}", false);
        assertThat(t.uses("labels.")).isTrue();
        assertThat(t.uses("alerts")).isTrue();
        assertThat(t.uses("annotations")).isFalse();
        Map<String, String> some = MessageFields.of(n, java.time.ZoneOffset.UTC, null, t::uses);
        assertThat(some)
                .containsEntry("labels.service", "web")
                .containsKey("alerts")
                .doesNotContainKeys("annotations", "annotations.description", "values.status", "firstSeenLocal");
        assertThat(t.render(some)).isEqualTo(t.render(MessageFields.of(n)));
    }

    @Test
    void timesAreInTheBusinessZoneWithTheirOffset() {
        java.time.ZoneId before = io.opsrouter.log.LogZone.zone();
        try {
            io.opsrouter.log.LogZone.use(java.time.ZoneId.of("America/Toronto"));
            Map<String, String> f = MessageFields.of(Notifications.of("k2", "sms"));
            assertThat(f).containsEntry("firstSeen", "2026-11-24T05:00:00-05:00");
        } finally {
            io.opsrouter.log.LogZone.use(before);
        }
    }
}
