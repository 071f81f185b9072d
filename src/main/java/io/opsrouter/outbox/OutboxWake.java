package io.opsrouter.outbox;

import io.opsrouter.store.StateStore;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * Tells the delivery side in this process that {@link Outbox#enqueue} wrote a row, so delivery starts
 * without waiting for the next poll. The wake-up runs after the enqueuing transaction commits (so the
 * woken channel finds the row), once per channel and transaction, and not at all when it rolls back.
 * Rows written by another replica are found by the poll.
 */
public final class OutboxWake {
    private static final Set<Consumer<ChannelName>> LISTENERS = new CopyOnWriteArraySet<>();
    private static final Map<ChannelName, Runnable> WAKE_UPS = new ConcurrentHashMap<>();

    private OutboxWake() {}

    static void enqueued(ChannelName channel) {
        StateStore.afterCommit(WAKE_UPS.computeIfAbsent(channel, ch -> () -> wake(ch)));
    }

    private static void wake(ChannelName channel) {
        for (Consumer<ChannelName> l : LISTENERS) {
            try {
                l.accept(channel);
            } catch (RuntimeException ignored) {
                // a wake-up is only a hint; the poll finds the row anyway
            }
        }
    }

    public static void listen(Consumer<ChannelName> listener) {
        LISTENERS.add(listener);
    }

    public static void remove(Consumer<ChannelName> listener) {
        LISTENERS.remove(listener);
    }
}
