package io.opsrouter.alert;

import io.opsrouter.outbox.ChannelAlarm;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the delivery side's {@link ChannelAlarm} into the P1 signal about the channel itself: source {@code router},
 * name {@code channel-failing}, labels {@code alertname} and {@code channel}. Bound as {@value #BEAN} for
 * {@code routes/signals.yaml}.
 */
public final class ChannelAlarms {
    public static final String BEAN = "channelAlarms";

    public Signal signal(ChannelAlarm alarm) {
        String channel = alarm.channel().id();
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(
                "summary",
                alarm.failing()
                        ? "Notifications to " + channel + " are failing; messages went dead: " + alarm.reason()
                        : "Notifications to " + channel + " are delivered again");
        annotations.put("runbook", "docs/channels.md#when-a-channel-is-down");
        return new Signal(
                "router",
                "channel-failing",
                Map.of("alertname", "channel-failing", "channel", channel),
                annotations,
                Map.of(),
                alarm.failing() ? Signal.State.FIRING : Signal.State.RESOLVED,
                Severity.P1,
                alarm.at(),
                null);
    }
}
