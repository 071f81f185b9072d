package io.opsrouter.notify;

import io.opsrouter.outbox.ChannelName;
import java.util.Optional;
import org.apache.camel.CamelContext;

/**
 * One way of telling people (like Alertmanager's notify.Notifier): it sends one rendered message or says, through
 * {@link ChannelException}, whether trying again later could help, decided by HTTP status codes and exception types.
 * A channel is one class implementing this, with a static {@link Factory} that reads and checks its settings, named after
 * its {@link ChannelName} ({@code sms}: {@code SmsChannel}), which {@link Channels} finds by that name.
 */
public interface Channel {
    /** The name notifications address. */
    ChannelName name();

    /** Sends once. Returns when the far side accepted the message. */
    void send(RenderedMessage message) throws ChannelException;

    /**
     * Whether accepted messages may be marked sent a few at a time (one transaction for several rows). A
     * crash between the send and the mark resends those few; channels where a repeat is costly (SMS) say no
     * and each accepted row is marked before the next is sent.
     */
    default boolean batchMarks() {
        return true;
    }

    /** Called once Camel runs, before the first send. */
    default void start(CamelContext camel) throws Exception {}

    default void stop() {}

    /**
     * Makes the channel from the settings when the router loads: empty when none of its variables is set (the
     * channel is off), a {@link io.opsrouter.config.SettingsException} naming the variable and the fix when only
     * some are or one is wrong.
     */
    @FunctionalInterface
    interface Factory {
        Optional<Channel> configure(ChannelSetup setup);
    }
}
