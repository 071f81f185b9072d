package io.opsrouter.notify;

import io.opsrouter.notify.channel.EmailChannel;
import io.opsrouter.notify.channel.LogChannel;
import io.opsrouter.notify.channel.SlackChannel;
import io.opsrouter.notify.channel.SmsChannel;
import io.opsrouter.notify.channel.WebhookChannel;
import io.opsrouter.outbox.ChannelName;
import java.util.ArrayList;
import java.util.List;

/**
 * The channel registry: the one place that ties each {@link ChannelName} to the class that sends it. Everything
 * else (delivery, templates, health, meters, escalation policies) knows a channel by its name and the
 * {@link Channel} interface. Adding a channel: its name in {@link ChannelName}, one class implementing
 * {@link Channel} with a {@link Channel.Factory}, and its line below (the compiler refuses a name without one).
 */
public final class Channels {
    private Channels() {}

    static Channel.Factory factory(ChannelName name) {
        return switch (name) {
            case SLACK -> SlackChannel::configure;
            case EMAIL -> EmailChannel::configure;
            case SMS -> SmsChannel::configure;
            case WEBHOOK -> WebhookChannel::configure;
            case LOG -> LogChannel::configure;
        };
    }

    /**
     * The channels the settings turn on, in {@link ChannelName} order; {@code log} is always among them. A channel
     * whose variables are only partly set stops start-up (a {@link io.opsrouter.config.SettingsException}).
     */
    public static List<Channel> configure(ChannelSetup setup) {
        List<Channel> on = new ArrayList<>();
        for (ChannelName name : ChannelName.values())
            factory(name).configure(setup).ifPresent(on::add);
        return on;
    }
}
