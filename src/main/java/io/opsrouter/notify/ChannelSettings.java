package io.opsrouter.notify;

import io.opsrouter.config.CoreSettings;
import io.opsrouter.config.SettingsException;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.notify.channel.EmailChannel;
import io.opsrouter.notify.channel.HttpPost;
import io.opsrouter.notify.channel.LogChannel;
import io.opsrouter.notify.channel.SlackChannel;
import io.opsrouter.notify.channel.SmsChannel;
import io.opsrouter.notify.channel.SmsSegment;
import io.opsrouter.notify.channel.WebhookChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The channels section of the settings: which channels are on, read from the environment. A channel is
 * on when its variables are set and refused (start-up stops) when only some of them are. Adding a
 * channel: one class and one line in {@link #channels}.
 */
public final class ChannelSettings {
    public static final List<String> NAMES = List.of("slack", "email", "sms", "webhook", "log");
    static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    static final Pattern EMAIL = Pattern.compile("[^@\\s<>]+@[^@\\s<>]+\\.[^@\\s<>]+");
    static final Pattern TWILIO_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
    private static final String ENV = "environment";

    private ChannelSettings() {}

    /** The enabled channels; {@code log} is always among them. */
    public static List<Channel> channels(SettingsSource s, CoreSettings core, DispatchSettings d, HttpPost http, Clock clock) {
        List<Channel> list = new ArrayList<>();
        slack(s).ifPresent(list::add);
        email(s, d).ifPresent(list::add);
        sms(s, http).ifPresent(list::add);
        webhook(s, http, clock).ifPresent(list::add);
        list.add(new LogChannel(core.dataDir(), clock));
        return list;
    }

    static Optional<Channel> slack(SettingsSource s) {
        Optional<String> webhook = s.secret("notify.slack.webhook-url", "SLACK_WEBHOOK_URL");
        Optional<String> token = s.secret("notify.slack.token", "SLACK_TOKEN");
        Optional<String> channel = Optional.ofNullable(s.string("notify.slack.channel", "SLACK_CHANNEL", null));
        String serverUrl = s.string("notify.slack.api-url", "SLACK_API_URL", "https://slack.com");
        if (webhook.isPresent()) {
            if (token.isPresent()) {
                throw new SettingsException(ENV, "SLACK_TOKEN", "is set together with SLACK_WEBHOOK_URL",
                        "use either the incoming webhook (SLACK_WEBHOOK_URL) or a token and channel (SLACK_TOKEN, SLACK_CHANNEL), not both");
            }
            requireHttpUrl("SLACK_WEBHOOK_URL", webhook.get(), "the Slack incoming webhook URL, https://hooks.slack.com/services/...");
            return Optional.of(SlackChannel.webhook(webhook.get()));
        }
        if (token.isPresent() && channel.isEmpty()) {
            throw new SettingsException(ENV, "SLACK_CHANNEL", "is not set but SLACK_TOKEN is: Slack is half-configured",
                    "set SLACK_CHANNEL to the channel to post to (e.g. #ops), or unset SLACK_TOKEN");
        }
        if (channel.isPresent() && token.isEmpty()) {
            throw new SettingsException(ENV, "SLACK_TOKEN", "is not set but SLACK_CHANNEL is: Slack is half-configured",
                    "set SLACK_TOKEN to a bot token with chat:write, or set SLACK_WEBHOOK_URL instead, or unset SLACK_CHANNEL");
        }
        if (token.isEmpty()) return Optional.empty();
        requireHttpUrl("SLACK_API_URL", serverUrl, "https://slack.com");
        return Optional.of(SlackChannel.token(token.get(), channel.get(), serverUrl));
    }

    static Optional<Channel> email(SettingsSource s, DispatchSettings d) {
        Optional<String> host = Optional.ofNullable(s.string("notify.smtp.host", "SMTP_HOST", null));
        Optional<String> portText = Optional.ofNullable(s.string("notify.smtp.port", "SMTP_PORT", null));
        Optional<String> user = Optional.ofNullable(s.string("notify.smtp.username", "SMTP_USERNAME", null));
        Optional<String> password = s.secret("notify.smtp.password", "SMTP_PASSWORD");
        Optional<String> from = Optional.ofNullable(s.string("notify.smtp.from", "SMTP_FROM", null));
        boolean any = host.isPresent() || portText.isPresent() || user.isPresent() || password.isPresent() || from.isPresent();
        if (!any) return Optional.empty();
        String which = "SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_FROM";
        if (host.isEmpty()) {
            throw new SettingsException(ENV, "SMTP_HOST", "is not set but other SMTP_ variables are: e-mail is half-configured",
                    "set SMTP_HOST to the SMTP server's host name, or unset " + which + " to turn e-mail off");
        }
        if (from.isEmpty()) {
            throw new SettingsException(ENV, "SMTP_FROM", "is not set: e-mail is half-configured",
                    "set SMTP_FROM to the sender address, e.g. ops-router@example.com");
        }
        if (!EMAIL.matcher(from.get()).matches()) {
            throw new SettingsException(ENV, "SMTP_FROM", "'" + from.get() + "' is not an e-mail address",
                    "set SMTP_FROM to an address such as ops-router@example.com");
        }
        if (user.isPresent() != password.isPresent()) {
            String missing = user.isPresent() ? "SMTP_PASSWORD" : "SMTP_USERNAME";
            throw new SettingsException(ENV, missing, "is not set but " + (user.isPresent() ? "SMTP_USERNAME" : "SMTP_PASSWORD")
                    + " is: the SMTP login is half-configured", "set both SMTP_USERNAME and SMTP_PASSWORD, or neither");
        }
        int port = s.integer("notify.smtp.port", "SMTP_PORT", 587, 1, 65535);
        boolean starttls = s.bool("notify.smtp.starttls", "SMTP_STARTTLS", true);
        return Optional.of(new EmailChannel(host.get(), port, user.orElse(null), password.orElse(null), from.get(), starttls,
                d.sendTimeout()));
    }

    static Optional<Channel> sms(SettingsSource s, HttpPost http) {
        Optional<String> sid = Optional.ofNullable(s.string("notify.twilio.account-sid", "TWILIO_ACCOUNT_SID", null));
        Optional<String> token = s.secret("notify.twilio.auth-token", "TWILIO_AUTH_TOKEN");
        Optional<String> from = Optional.ofNullable(s.string("notify.twilio.from-number", "TWILIO_FROM_NUMBER", null));
        if (sid.isEmpty() && token.isEmpty() && from.isEmpty()) return Optional.empty();
        String all = "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER";
        if (sid.isEmpty()) {
            throw new SettingsException(ENV, "TWILIO_ACCOUNT_SID", "is not set but other TWILIO_ variables are: SMS is half-configured",
                    "set " + all + ", or none of them to turn SMS off");
        }
        if (token.isEmpty()) {
            throw new SettingsException(ENV, "TWILIO_AUTH_TOKEN", "is not set: SMS is half-configured",
                    "set TWILIO_AUTH_TOKEN to the account's auth token, or unset " + all);
        }
        if (from.isEmpty()) {
            throw new SettingsException(ENV, "TWILIO_FROM_NUMBER", "is not set: SMS is half-configured",
                    "set TWILIO_FROM_NUMBER to the Twilio number in E.164, e.g. +15145550100");
        }
        if (!TWILIO_SID.matcher(sid.get()).matches()) {
            throw new SettingsException(ENV, "TWILIO_ACCOUNT_SID", "'" + sid.get() + "' is not a Twilio account SID",
                    "copy the SID from the Twilio console: AC followed by 32 hex digits");
        }
        if (!E164.matcher(from.get()).matches()) {
            throw new SettingsException(ENV, "TWILIO_FROM_NUMBER", "'" + from.get() + "' is not a phone number in E.164",
                    "write it as + country code and number, e.g. +15145550100");
        }
        String api = s.string("notify.twilio.api-url", "TWILIO_API_URL", "https://api.twilio.com");
        requireHttpUrl("TWILIO_API_URL", api, "https://api.twilio.com, or your test server");
        int maxSegments = s.integer("notify.twilio.max-segments", "TWILIO_MAX_SEGMENTS", SmsSegment.DEFAULT_MAX_SEGMENTS, 1, 10);
        return Optional.of(new SmsChannel(api, sid.get(), token.get(), from.get(), http, maxSegments));
    }

    static Optional<Channel> webhook(SettingsSource s, HttpPost http, Clock clock) {
        Optional<String> url = Optional.ofNullable(s.string("notify.webhook.url", "WEBHOOK_URL", null));
        Optional<String> secret = s.secret("notify.webhook.secret", "WEBHOOK_SECRET");
        if (url.isEmpty() && secret.isEmpty()) return Optional.empty();
        if (url.isEmpty()) {
            throw new SettingsException(ENV, "WEBHOOK_URL", "is not set but WEBHOOK_SECRET is: the webhook is half-configured",
                    "set WEBHOOK_URL to the receiver's https URL, or unset WEBHOOK_SECRET");
        }
        if (secret.isEmpty()) {
            throw new SettingsException(ENV, "WEBHOOK_SECRET", "is not set but WEBHOOK_URL is: messages could not be signed",
                    "set WEBHOOK_SECRET to a random string of 32 characters or more shared with the receiver");
        }
        if (secret.get().length() < 16) {
            throw new SettingsException(ENV, "WEBHOOK_SECRET", "is shorter than 16 characters",
                    "use a random string of 32 characters or more (e.g. openssl rand -hex 32)");
        }
        requireHttpUrl("WEBHOOK_URL", url.get(), "the receiver's URL, e.g. https://hooks.example.com/ops");
        return Optional.of(new WebhookChannel(url.get(), secret.get(), http, clock));
    }

    private static void requireHttpUrl(String env, String value, String example) {
        if (!value.matches("https?://[^\\s/?#]+[^\\s]*")) {
            throw new SettingsException(ENV, env, "'" + redact(value) + "' is not an http(s) URL", "set it to " + example);
        }
    }

    private static String redact(String v) {
        return v.length() > 12 ? v.substring(0, 12) + "..." : v;
    }
}
