package io.opsrouter.cli;

/**
 * The JDK's HttpClient hands every response to CompletableFuture's default executor. With fewer than three cores
 * the common pool's parallelism is 1, and that executor then starts a new thread for every task: one thread per
 * delivered message and per probe. Two workers keep it a pool on any machine.
 */
final class CommonPool {
    static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
    static final int AT_LEAST = 2;

    private CommonPool() {}

    /** Call before anything touches CompletableFuture; a value given with -D is kept. */
    static void sizeBeforeFirstUse() {
        if (System.getProperty(PARALLELISM) == null) System.setProperty(PARALLELISM, Integer.toString(AT_LEAST));
    }
}
