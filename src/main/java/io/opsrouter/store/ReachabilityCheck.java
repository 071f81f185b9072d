package io.opsrouter.store;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Whether the store answers, asked on a thread of its own so that no caller waits longer than {@code wait}: callers
 * that ask while a check runs share it, and a check that has not answered in time counts as "does not answer".
 */
final class ReachabilityCheck implements AutoCloseable {
    private final BooleanSupplier check;
    private final Duration wait;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "store-health");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Boolean> running;

    ReachabilityCheck(BooleanSupplier check, Duration wait) {
        this.check = check;
        this.wait = wait;
    }

    boolean reachable() {
        CompletableFuture<Boolean> f;
        synchronized (this) {
            if (running == null || running.isDone()) {
                try {
                    running = CompletableFuture.supplyAsync(check::getAsBoolean, thread);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    return false;
                }
            }
            f = running;
        }
        try {
            return f.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
