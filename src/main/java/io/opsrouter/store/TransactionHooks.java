package io.opsrouter.store;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What runs when one transaction of {@link StateStore} ends: on its end either way, and after its commit settles. */
final class TransactionHooks {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionHooks.class);

    private final Set<Runnable> afterCommit = new LinkedHashSet<>();
    private List<Consumer<Boolean>> whenEnded;

    Set<Runnable> afterCommit() {
        return afterCommit;
    }

    void whenEnded(Consumer<Boolean> hook) {
        if (whenEnded == null) whenEnded = new ArrayList<>(2);
        whenEnded.add(hook);
    }

    /** The transaction committed (true) or rolled back: runs the end hooks, each once. */
    void ended(boolean committed) {
        if (whenEnded == null) return;
        for (Consumer<Boolean> hook : whenEnded) {
            try {
                hook.accept(committed);
            } catch (RuntimeException e) {
                LOG.warn("transaction-end hook failed: {}", e.toString());
            }
        }
        whenEnded = null;
    }
}
