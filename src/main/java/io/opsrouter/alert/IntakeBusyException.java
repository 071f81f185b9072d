package io.opsrouter.alert;

/**
 * Signals the intake would not take now: a queue of writes is already waiting and none of them fires a P1. The
 * HTTP doors answer 503 with {@code Retry-After}, so a flood holds no worker the P1, {@code /health} or an
 * acknowledge link needs.
 */
public final class IntakeBusyException extends RuntimeException {
    public IntakeBusyException(int queued) {
        super("the router is writing a queue of " + queued + " requests; retry", null, false, false);
    }
}
