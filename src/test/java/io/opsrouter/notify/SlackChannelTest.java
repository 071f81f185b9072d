package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.notify.channel.HttpPost;
import io.opsrouter.notify.channel.SlackChannel;
import io.opsrouter.outbox.Notification;
import java.time.Duration;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Slack's answers (HTTP status, chat.postMessage's error field) turned into retryable or final failures. */
class SlackChannelTest {
    /** Shaped like a bot token, built at run time so no token-shaped literal sits in the source. */
    private static final String FAKE_TOKEN = "xox" + "b-test-token";

    final FakeApi api = new FakeApi();
    final HttpPost http = new HttpPost(Duration.ofSeconds(2));
    DefaultCamelContext camel;

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        http.close();
        api.close();
    }

    RenderedMessage message() {
        Notification n = Notifications.of("sl-1", "slack");
        return new RenderedMessage("sl-1", n, null, "[P2] firing: Site down");
    }

    @Test
    void rateLimitedWebhookIsRetryableAfterTheGivenSeconds() throws Exception {
        SlackChannel slack = SlackChannel.webhook(api.url() + "/services/T/B/X", http);
        slack.start(camel);
        api.mode(FakeApi.Mode.RATE_LIMITED).retryAfter(7);
        assertThatThrownBy(() -> slack.send(message())).isInstanceOfSatisfying(ChannelException.class, e -> {
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.reason()).isEqualTo("rate_limited");
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        });
        api.mode(FakeApi.Mode.FAIL_500);
        assertThatThrownBy(() -> slack.send(message()))
                .isInstanceOfSatisfying(
                        ChannelException.class, e -> assertThat(e.reason()).isEqualTo("http_500"));
        api.mode(FakeApi.Mode.BAD_REQUEST);
        assertThatThrownBy(() -> slack.send(message()))
                .isInstanceOfSatisfying(
                        ChannelException.class, e -> assertThat(e.isRetryable()).isFalse());
    }

    @Test
    void aWebhookThatDoesNotAnswerIsRetryable() throws Exception {
        SlackChannel slack =
                SlackChannel.webhook("http://127.0.0.1:" + io.opsrouter.testing.RouterHarness.freePort() + "/x", http);
        slack.start(camel);
        assertThatThrownBy(() -> slack.send(message()))
                .isInstanceOfSatisfying(
                        ChannelException.class, e -> assertThat(e.isRetryable()).isTrue());
    }

    @Test
    void tokenModePostsToChatPostMessageWithTheBearerToken() throws Exception {
        api.okBody("{\"ok\": true, \"channel\": \"C1\", \"ts\": \"1.2\"}");
        SlackChannel slack = SlackChannel.token(FAKE_TOKEN, "#ops", api.url(), http);
        slack.start(camel);
        slack.send(message());
        FakeApi.Request r = api.accepted().stream()
                .filter(x -> x.path().equals("/api/chat.postMessage"))
                .findFirst()
                .orElseThrow();
        assertThat(r.header("Authorization")).isEqualTo("Bearer " + FAKE_TOKEN);
        assertThat(java.net.URLDecoder.decode(r.body(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("#ops")
                .contains("[P2] firing: Site down");
    }

    @Test
    void tokenModeRefusalIsFinal() throws Exception {
        api.okBody("{\"ok\": false, \"error\": \"channel_not_found\"}");
        SlackChannel slack = SlackChannel.token(FAKE_TOKEN, "#nope", api.url(), http);
        slack.start(camel);
        assertThatThrownBy(() -> slack.send(message())).isInstanceOfSatisfying(ChannelException.class, e -> {
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage()).contains("channel_not_found");
        });
    }

    @Test
    void tokenModeClassifiesByTheErrorFieldAndTheStatusNotByMessageText() throws Exception {
        SlackChannel slack = SlackChannel.token(FAKE_TOKEN, "#ops", api.url(), http);
        api.okBody("{\"ok\": false, \"error\": \"internal_error\"}");
        assertThatThrownBy(() -> slack.send(message())).isInstanceOfSatisfying(ChannelException.class, e -> {
            assertThat(e.isRetryable()).as("a Slack-side error may pass").isTrue();
            assertThat(e.reason()).isEqualTo("api_error");
        });
        api.okBody("{\"ok\": false, \"error\": \"token_revoked\"}");
        assertThatThrownBy(() -> slack.send(message()))
                .isInstanceOfSatisfying(
                        ChannelException.class, e -> assertThat(e.isRetryable()).isFalse());
        api.okBody("<html>maintenance</html>");
        assertThatThrownBy(() -> slack.send(message()))
                .isInstanceOfSatisfying(
                        ChannelException.class, e -> assertThat(e.reason()).isEqualTo("unreadable_answer"));
        api.mode(FakeApi.Mode.RATE_LIMITED).retryAfter(3);
        assertThatThrownBy(() -> slack.send(message()))
                .isInstanceOfSatisfying(
                        ChannelException.class, e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3)));
    }
}
