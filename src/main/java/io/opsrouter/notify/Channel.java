package io.opsrouter.notify;

import io.opsrouter.outbox.ChannelName;
import org.apache.camel.CamelContext;

/**
 * One way of telling people (like Alertmanager's notify.Notifier): it sends one rendered message or
 * says, through {@link ChannelException}, whether trying again later could help.
 * A new channel is one class implementing this and one line in {@link ChannelSettings}.
 */
public interface Channel {
    /** The name notifications address: {@code slack}, {@code email}, {@code sms}, {@code webhook}, {@code log}. */
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
}
