package io.opsrouter.store;

/** The state store could not do what was asked; the cause says why. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
