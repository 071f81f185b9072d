package io.opsrouter.notify.channel;

import io.opsrouter.outbox.ChannelName;
import io.opsrouter.notify.Channel;
import io.opsrouter.notify.ChannelException;
import io.opsrouter.notify.RenderedMessage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.component.slack.SlackComponent;
import org.apache.camel.component.slack.SlackEndpoint;

/**
 * Slack through camel-slack: an incoming webhook ({@code SLACK_WEBHOOK_URL}), or a bot token and a
 * channel (chat.postMessage). The secret is set on the endpoint object, never written into an endpoint
 * URI, so it cannot appear in Camel's logs. Slack's incoming webhooks take no idempotency key.
 */
public final class SlackChannel implements Channel {
    private static final Pattern CODE = Pattern.compile("code=(\\d{3})");
    private static final Pattern RETRY_AFTER = Pattern.compile("(?i)retry-after=\\[(\\d+)\\]");
    private static final Pattern PERMANENT_API_ERRORS = Pattern.compile(
            "invalid_auth|not_authed|account_inactive|token_revoked|channel_not_found|not_in_channel|is_archived|no_text");

    private final String webhookUrl;
    private final String token;
    private final String channel;
    private final String serverUrl;
    private SlackEndpoint endpoint;
    private Producer producer;

    private SlackChannel(String webhookUrl, String token, String channel, String serverUrl) {
        this.webhookUrl = webhookUrl;
        this.token = token;
        this.channel = channel;
        this.serverUrl = serverUrl;
    }

    public static SlackChannel webhook(String url) {
        return new SlackChannel(url, null, null, null);
    }

    public static SlackChannel token(String token, String channel, String serverUrl) {
        return new SlackChannel(null, token, channel, serverUrl);
    }

    @Override
    public ChannelName name() { return ChannelName.SLACK; }

    @Override
    public synchronized void start(CamelContext camel) throws Exception {
        SlackComponent component = camel.getComponent("slack", SlackComponent.class);
        String path = channel == null ? "ops-router" : channel;
        endpoint = (SlackEndpoint) component.createEndpoint("slack:" + path);
        if (webhookUrl != null) {
            endpoint.setWebhookUrl(webhookUrl);
        } else {
            endpoint.setToken(token);
            if (serverUrl != null) endpoint.setServerUrl(serverUrl);
        }
        endpoint.start();
        producer = endpoint.createProducer();
        producer.start();
    }

    @Override
    public void send(RenderedMessage m) throws ChannelException {
        Exchange ex = endpoint.createExchange();
        ex.getIn().setBody(escape(m.text()));
        try {
            producer.process(ex);
        } catch (Exception e) {
            ex.setException(e);
        }
        Exception e = ex.getException();
        if (e == null) return;
        String msg = String.valueOf(e.getMessage());
        Matcher code = CODE.matcher(msg);
        if (code.find()) {
            Matcher ra = RETRY_AFTER.matcher(msg);
            throw ChannelException.forHttpStatus(Integer.parseInt(code.group(1)), ra.find() ? ra.group(1) : null, bodyOf(msg));
        }
        if (PERMANENT_API_ERRORS.matcher(msg).find()) {
            throw ChannelException.permanent("rejected", "Slack refused the message: " + abbreviate(msg), e);
        }
        throw HttpPost.classify(e);
    }

    /**
     * Slack's control characters: alert text comes from outside (webhooks, Alertmanager), and an unescaped
     * {@code <!channel>} or {@code <https://evil|link>} in a summary would ping everyone or disguise a link.
     */
    public static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String bodyOf(String msg) {
        int i = msg.indexOf("body=");
        return i < 0 ? "" : msg.substring(i + 5).replaceAll("\\)$", "");
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    @Override
    public synchronized void stop() {
        try {
            if (producer != null) producer.stop();
            if (endpoint != null) endpoint.stop();
        } catch (Exception ignored) {
            // stopping
        }
    }
}
