package io.opsrouter.ingest;

/**
 * A request the router will not take, with the HTTP status, a message naming what is wrong (never echoing the
 * sender's values), the field, and the reason counted in {@code ops_router_ingest_refused_total}.
 */
public final class IngestRefusal extends RuntimeException {
    private final int status;
    private final String field;
    private final String reason;
    private final long retryAfterSeconds;

    public IngestRefusal(int status, String reason, String message, String field) {
        this(status, reason, message, field, 0);
    }

    IngestRefusal(int status, String reason, String message, String field, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static IngestRefusal invalid(String field, String message) {
        return new IngestRefusal(400, "invalid", message, field);
    }

    public static IngestRefusal tooLarge(String field, String message) {
        return new IngestRefusal(413, "too_large", message, field);
    }

    public static IngestRefusal rateLimited(long retryAfterSeconds) {
        return new IngestRefusal(
                429,
                "rate_limited",
                "too many requests from this client; retry after " + retryAfterSeconds + "s",
                null,
                retryAfterSeconds);
    }

    /** More bodies arriving at once than the router reads in parallel: a slow sender cannot take every worker. */
    public static IngestRefusal busy() {
        return new IngestRefusal(503, "busy", "too many request bodies are arriving at once; retry", null, 1);
    }

    /** The intake already has a queue of writes and this request fires no P1 ({@code AlertIntake#admit}). */
    static IngestRefusal intakeBusy(String message) {
        return new IngestRefusal(503, "busy", message, null, 1);
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
