package io.opsrouter.notify;

import io.opsrouter.outbox.ChannelName;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
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
     * Sends once without holding the caller: completes when the far side accepted the message, or exceptionally with
     * a {@link ChannelException}. HTTP channels send with a non-blocking client and have many requests in flight;
     * this default runs the blocking {@link #send} on {@code blocking}, the channel's small bounded pool (e-mail,
     * the log file).
     */
    default CompletionStage<Void> sendAsync(RenderedMessage message, Executor blocking) {
        return CompletableFuture.runAsync(
                () -> {
                    try {
                        send(message);
                    } catch (ChannelException e) {
                        throw new CompletionException(e);
                    }
                },
                blocking);
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
