package io.opsrouter.notify;

import io.opsrouter.outbox.ChannelName;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The channel registry: ties each {@link ChannelName} to the class that sends it, by name: {@code sms} is
 * {@code io.opsrouter.notify.channel.SmsChannel}, whose static {@code configure(ChannelSetup)} is its
 * {@link Channel.Factory}. Everything else (delivery, templates, health, meters, escalation policies) knows a
 * channel by its name and the {@link Channel} interface. Adding a channel is one class implementing {@link Channel}
 * and its line in {@link ChannelName}; a name without its class stops start-up and fails {@code ChannelsTest}.
 */
public final class Channels {
    static final String PACKAGE = "io.opsrouter.notify.channel.";

    private Channels() {}

    /** The class that sends {@code name}: its id in PascalCase, then {@code Channel}. */
    static String className(ChannelName name) {
        String id = name.id();
        return PACKAGE + id.substring(0, 1).toUpperCase(Locale.ROOT) + id.substring(1) + "Channel";
    }

    static Channel.Factory factory(ChannelName name) {
        return load(name.id(), className(name));
    }

    static Channel.Factory load(String id, String className) {
        MethodHandle configure;
        try {
            Class<?> type = Class.forName(className);
            if (!Channel.class.isAssignableFrom(type)) {
                throw new IllegalStateException(className + " does not implement " + Channel.class.getName());
            }
            configure = MethodHandles.publicLookup()
                    .findStatic(type, "configure", MethodType.methodType(Optional.class, ChannelSetup.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "channel '" + id + "' has no class " + className
                            + " with a public static Optional<Channel> configure(ChannelSetup)",
                    e);
        }
        return setup -> {
            try {
                @SuppressWarnings("unchecked")
                Optional<Channel> channel = (Optional<Channel>) configure.invoke(setup);
                return channel;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
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
