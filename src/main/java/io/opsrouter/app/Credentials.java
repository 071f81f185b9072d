package io.opsrouter.app;

import io.opsrouter.config.SettingsSource;
import java.util.Optional;

/**
 * The two bearer tokens, validated together at start-up: the API token ({@code ROUTER_API_TOKEN}: people and
 * scripts using {@code /api/...}) and the webhook token ({@code ROUTER_WEBHOOK_TOKEN}: Alertmanager and
 * Prometheus posting alerts). Each is at least {@link #MIN_LENGTH} characters, and they differ, so a sender that
 * may post alerts cannot also silence them.
 */
public record Credentials(Optional<String> apiToken, Optional<String> webhookToken) {
    public static final int MIN_LENGTH = 16;
    public static final String API_TOKEN = "router.api.token";
    public static final String API_TOKEN_ENV = "ROUTER_API_TOKEN";
    public static final String WEBHOOK_TOKEN = "router.webhook.token";
    public static final String WEBHOOK_TOKEN_ENV = "ROUTER_WEBHOOK_TOKEN";

    public static Credentials from(SettingsSource s) {
        Optional<String> api = checked(s, API_TOKEN, API_TOKEN_ENV);
        Optional<String> webhook = checked(s, WEBHOOK_TOKEN, WEBHOOK_TOKEN_ENV);
        if (api.isPresent() && api.equals(webhook)) {
            throw s.error(
                    API_TOKEN,
                    API_TOKEN_ENV,
                    "is the same as " + WEBHOOK_TOKEN_ENV,
                    "give the API and the webhooks different tokens, e.g. openssl rand -hex 32 for each");
        }
        return new Credentials(api, webhook);
    }

    private static Optional<String> checked(SettingsSource s, String key, String env) {
        Optional<String> token = s.secret(key, env);
        if (token.isPresent() && token.get().length() < MIN_LENGTH) {
            throw s.error(
                    key,
                    env,
                    "is shorter than " + MIN_LENGTH + " characters",
                    "use a long random value, e.g. openssl rand -hex 32");
        }
        return token;
    }

    public BearerAuth api() {
        return new BearerAuth(apiToken);
    }

    public BearerAuth webhook() {
        return new BearerAuth(webhookToken);
    }
}
