package io.opsrouter.notify;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * Tells the dispatchers in this process that {@link Outbox#enqueue} wrote a row, so delivery starts
 * without waiting for the next poll. The row may not be committed yet: a woken channel keeps looking for
 * a short while. Rows written by another replica are found by the poll.
 */
public final class OutboxWake {
    private static final Set<Consumer<String>> LISTENERS = new CopyOnWriteArraySet<>();

    private OutboxWake() {}

    static void enqueued(String channel) {
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
