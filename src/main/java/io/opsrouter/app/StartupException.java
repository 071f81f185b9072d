package io.opsrouter.app;

/** Start-up stopped; the message is the one line to print. */
public class StartupException extends RuntimeException {
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
