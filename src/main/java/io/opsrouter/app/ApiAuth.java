package io.opsrouter.app;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one authentication step of the API: every protected route uses the {@code api} route configuration
 * ({@code routes/api.yaml}), whose {@code interceptFrom} calls {@link #authenticate} before the route's first
 * step, and whose error handler answers through {@link #refused}. {@code Authorization: Bearer $ROUTER_API_TOKEN}
 * (or basic with the token as the password). Wrong tokens count against the caller's address
 * ({@link AuthFailures}).
 */
public final class ApiAuth {
    private static final Logger LOG = LoggerFactory.getLogger(ApiAuth.class);
    public static final String OFF =
            "the API is off until ROUTER_API_TOKEN is set: set ROUTER_API_TOKEN in the router's environment"
                    + " and send Authorization: Bearer <token>";

    private final BearerAuth auth;
    private final AuthFailures failures;
    private final Runnable counted;

    public ApiAuth(BearerAuth auth, AuthFailures failures, Runnable countFailure) {
        this.auth = auth;
        this.failures = failures;
        this.counted = countFailure;
    }

    public void authenticate(Exchange ex) {
        if (!auth.enabled()) throw new ApiRefusal(401, OFF, "Authorization", 0);
        if (auth.accepts(ex.getMessage().getHeader("Authorization", String.class))) return;
        counted.run();
        String address = ApiRequest.address(ex);
        long wait = failures.waitSeconds(address);
        if (wait > 0) {
            throw new ApiRefusal(
                    429, "too many wrong tokens from this address; try again in " + wait + " s", "Authorization", wait);
        }
        failures.failed(address);
        throw new ApiRefusal(401, "send Authorization: Bearer <ROUTER_API_TOKEN>", "Authorization", 0);
    }

    /** Answers what a protected route threw: a refusal as its status, anything else as 503 with one log line. */
    public void refused(Exchange ex) {
        Exception e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (e instanceof ApiRefusal r) {
            ApiErrors.respond(ex, r.status(), r.getMessage(), r.field());
            if (r.retryAfterSeconds() > 0)
                ex.getMessage().setHeader("Retry-After", Long.toString(r.retryAfterSeconds()));
            return;
        }
        LOG.error(
                "{} {} failed: {}",
                ApiRequest.method(ex),
                ex.getMessage().getHeader(Exchange.HTTP_PATH, String.class),
                e == null ? "unknown" : e.toString());
        ApiErrors.respond(
                ex,
                503,
                "the router could not do that just now ("
                        + (e == null ? "error" : e.getClass().getSimpleName()) + "); try again",
                null);
    }
}
