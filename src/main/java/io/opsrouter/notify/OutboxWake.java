package io.opsrouter.notify;

import io.opsrouter.store.StateStore;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * Tells the dispatchers in this process that {@link Outbox#enqueue} wrote a row, so delivery starts
 * without waiting for the next poll. The wake-up runs after the enqueuing transaction commits (so the
 * woken channel finds the row), once per channel and transaction, and not at all when it rolls back.
 * Rows written by another replica are found by the poll.
 */
public final class OutboxWake {
    private static final Set<Consumer<String>> LISTENERS = new CopyOnWriteArraySet<>();
    private static final Map<String, Runnable> WAKE_UPS = new ConcurrentHashMap<>();

    private OutboxWake() {}

    static void enqueued(String channel) {
        StateStore.afterCommit(WAKE_UPS.computeIfAbsent(channel, ch -> () -> wake(ch)));
    }

    private static void wake(String channel) {
        for (Consumer<String> l : LISTENERS) {
            try {
                l.accept(channel);
            } catch (RuntimeException ignored) {
                // a wake-up is only a hint; the poll finds the row anyway
            }
        }
    }

    static void listen(Consumer<String> listener) {
        LISTENERS.add(listener);
    }

    static void remove(Consumer<String> listener) {
        LISTENERS.remove(listener);
    }
}
