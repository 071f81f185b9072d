package io.opsrouter.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.app.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The channel name type: the names stored in the outbox, whom each reaches, and where a message to a person goes. */
class ChannelNameTest {
    static final Recipient ANA = new Recipient("Ana", "+15145550123", "ana@example.com");
    static final Recipient PHONE_ONLY = new Recipient("Bo", "+15145550124", null);

    @Test
    void theNamesAreTheOnesSettingsTemplatesAndStoredRowsUse() {
        assertThat(ChannelName.ids()).isEqualTo("slack, email, sms, webhook, log");
        assertThat(ChannelName.parse("sms")).contains(ChannelName.SMS);
        assertThat(ChannelName.parse("pager")).isEmpty();
        assertThatThrownBy(() -> ChannelName.of("pager"))
                .hasMessage("'pager' is not a channel; use one of slack, email, sms, webhook, log");
    }

    @Test
    void aNotificationKeepsItsJsonShapeSoRowsWrittenBeforeStillRead() throws Exception {
        Notification n = new Notification(
                "k",
                ChannelName.SMS,
                ANA,
                Notification.Kind.FIRING,
                "P1",
                "g",
                List.of(new AlertView(
                        "a",
                        "f",
                        "firing",
                        "P1",
                        "n",
                        "s",
                        null,
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        Instant.EPOCH,
                        Instant.EPOCH)),
                null);
        String json = Json.write(n);
        assertThat(json).contains("\"channel\":\"sms\"");
        assertThat(Json.MAPPER.readValue(json, Notification.class)).isEqualTo(n);
        String stored =
                "{\"idempotencyKey\":\"old\",\"channel\":\"email\",\"kind\":\"RESOLVED\",\"severity\":\"P2\",\"alerts\":[]}";
        assertThat(Json.MAPPER.readValue(stored, Notification.class).channel()).isEqualTo(ChannelName.EMAIL);
    }

    @Test
    void personalChannelsReachOnlyPeopleWithTheirContact() {
        assertThat(ChannelName.SMS.personal()).isTrue();
        assertThat(ChannelName.EMAIL.personal()).isTrue();
        assertThat(ChannelName.SLACK.personal()).isFalse();
        assertThat(ChannelName.EMAIL.reaches(PHONE_ONLY)).isFalse();
        assertThat(ChannelName.SMS.reaches(PHONE_ONLY)).isTrue();
        assertThat(ChannelName.LOG.reaches(null)).isTrue();
        assertThat(ChannelName.EMAIL.address(ANA)).isEqualTo("ana@example.com");
        assertThat(ChannelName.SMS.address(ANA)).isEqualTo("+15145550123");
        assertThat(ChannelName.LOG.address(ANA))
                .as("whichever the person has, the phone first")
                .isEqualTo("+15145550123");
        assertThat(ChannelName.WEBHOOK.address(null)).isNull();
    }
}
