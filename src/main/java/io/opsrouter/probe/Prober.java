package io.opsrouter.probe;

import java.util.concurrent.CompletableFuture;

/** Runs one kind of probe. Never throws: every failure comes back as an {@link Observation} with an error. */
public interface Prober extends AutoCloseable {
    CompletableFuture<Observation> probe(Monitor monitor);

    @Override
    default void close() {}
}
