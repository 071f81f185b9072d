package io.opsrouter.notify.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.app.Json;
import io.opsrouter.notify.Channel;
import io.opsrouter.notify.ChannelException;
import io.opsrouter.notify.ChannelSetup;
import io.opsrouter.notify.RenderedMessage;
import io.opsrouter.outbox.ChannelName;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Slack: an incoming webhook ({@code SLACK_WEBHOOK_URL}, a JSON {@code {"text": ...}}), or a bot token and a
 * channel ({@code POST {SLACK_API_URL}/api/chat.postMessage}). A failure is classified by the HTTP status (429 with
 * Retry-After, 5xx, other 4xx) and, for chat.postMessage, by the {@code error} field of Slack's answer. The
 * webhook URL is a secret: it is posted to with the channels' HTTP client directly, never made into a Camel
 * endpoint URI that could appear in a log. Slack takes no idempotency key.
 */
public final class SlackChannel implements Channel {
    /** chat.postMessage errors that a retry cannot cure: the token or the channel is wrong. */
    private static final Set<String> FINAL_API_ERRORS = Set.of(
            "invalid_auth",
            "not_authed",
            "account_inactive",
            "token_revoked",
            "channel_not_found",
            "not_in_channel",
            "is_archived",
            "no_text");

    private final String webhookUrl;
    private final String token;
    private final String channel;
    private final String serverUrl;
    private final HttpPost http;

    private SlackChannel(String webhookUrl, String token, String channel, String serverUrl, HttpPost http) {
        this.webhookUrl = webhookUrl;
        this.token = token;
        this.channel = channel;
        this.serverUrl = serverUrl == null ? null : serverUrl.replaceAll("/+$", "");
        this.http = http;
    }

    public static SlackChannel webhook(String url, HttpPost http) {
        return new SlackChannel(url, null, null, null, http);
    }

    public static SlackChannel token(String token, String channel, String serverUrl, HttpPost http) {
        return new SlackChannel(null, token, channel, serverUrl, http);
    }

    /** The webhook, or a token and channel; not both, and never half of the token mode. */
    public static Optional<Channel> configure(ChannelSetup s) {
        Optional<String> webhook = s.secret("notify.slack.webhook-url", "SLACK_WEBHOOK_URL");
        Optional<String> token = s.secret("notify.slack.token", "SLACK_TOKEN");
        Optional<String> channel = s.string("notify.slack.channel", "SLACK_CHANNEL");
        String serverUrl = s.string("notify.slack.api-url", "SLACK_API_URL").orElse("https://slack.com");
        if (webhook.isPresent()) {
            if (token.isPresent()) {
                throw ChannelSetup.refuse(
                        "SLACK_TOKEN",
                        "is set together with SLACK_WEBHOOK_URL",
                        "use either the incoming webhook (SLACK_WEBHOOK_URL) or a token and channel (SLACK_TOKEN, SLACK_CHANNEL), not both");
            }
            ChannelSetup.requireHttpUrl(
                    "SLACK_WEBHOOK_URL",
                    webhook.get(),
                    "the Slack incoming webhook URL, https://hooks.slack.com/services/...");
            return Optional.of(webhook(webhook.get(), s.http()));
        }
        if (token.isPresent() && channel.isEmpty()) {
            throw ChannelSetup.refuse(
                    "SLACK_CHANNEL",
                    "is not set but SLACK_TOKEN is: Slack is half-configured",
                    "set SLACK_CHANNEL to the channel to post to (e.g. #ops), or unset SLACK_TOKEN");
        }
        if (channel.isPresent() && token.isEmpty()) {
            throw ChannelSetup.refuse(
                    "SLACK_TOKEN",
                    "is not set but SLACK_CHANNEL is: Slack is half-configured",
                    "set SLACK_TOKEN to a bot token with chat:write, or set SLACK_WEBHOOK_URL instead, or unset SLACK_CHANNEL");
        }
        if (token.isEmpty()) return Optional.empty();
        ChannelSetup.requireHttpUrl("SLACK_API_URL", serverUrl, "https://slack.com");
        return Optional.of(token(token.get(), channel.get(), serverUrl, s.http()));
    }

    @Override
    public ChannelName name() {
        return ChannelName.SLACK;
    }

    @Override
    public void send(RenderedMessage m) throws ChannelException {
        HttpPost.await(sendAsync(m, Runnable::run));
    }

    @Override
    public CompletionStage<Void> sendAsync(RenderedMessage m, Executor blocking) {
        String text = escape(m.text());
        if (webhookUrl != null) {
            return http.postAsync(
                            webhookUrl,
                            Map.of("Content-Type", "application/json; charset=UTF-8"),
                            Json.write(Map.of("text", text)))
                    .thenApply(answer -> null);
        }
        return http.postAsync(
                        serverUrl + "/api/chat.postMessage",
                        Map.of(
                                "Content-Type",
                                "application/x-www-form-urlencoded; charset=UTF-8",
                                "Authorization",
                                "Bearer " + token),
                        "channel=" + enc(channel) + "&text=" + enc(text))
                .thenApply(answer -> {
                    Optional<ChannelException> refused = refusal(answer);
                    if (refused.isPresent()) throw new CompletionException(refused.get());
                    return null;
                });
    }

    /** chat.postMessage answers 200 with {@code "ok": false} and an {@code error} code when it refuses. */
    static Optional<ChannelException> refusal(String answer) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(answer == null ? "" : answer);
        } catch (java.io.IOException e) {
            return Optional.of(ChannelException.retryable("unreadable_answer", "Slack's answer is not JSON", e));
        }
        if (body == null || body.path("ok").asBoolean(false)) return Optional.empty();
        String error = body.path("error").asText("unknown");
        String message = "Slack refused the message: " + error;
        return Optional.of(
                FINAL_API_ERRORS.contains(error)
                        ? ChannelException.permanent("rejected", message)
                        : ChannelException.retryable("api_error", message));
    }

    /**
     * Slack's control characters: alert text comes from outside (webhooks, Alertmanager), and an unescaped
     * {@code <!channel>} or {@code <https://evil|link>} in a summary would ping everyone or disguise a link.
     */
    public static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
