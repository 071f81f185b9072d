package io.opsrouter.app;

/** An API request refused before any bean ran: answered as JSON by {@link ApiAuth#refused}. */
public final class ApiRefusal extends RuntimeException {
    private final int status;
    private final String field;
    private final long retryAfterSeconds;

    public ApiRefusal(int status, String error, String field, long retryAfterSeconds) {
        super(error, null, false, false);
        this.status = status;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
