package io.opsrouter.app;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * Checks an {@code Authorization} header against a configured token: {@code Bearer <token>}, or HTTP basic
 * with the token as the password (what Alertmanager's {@code http_config.basic_auth} sends). Compared in
 * constant time.
 */
public final class BearerAuth {
    private final Optional<String> token;

    public BearerAuth(Optional<String> token) {
        this.token = token;
    }

    /** True when a token is configured. */
    public boolean enabled() {
        return token.isPresent();
    }

    /** True when the header carries the configured token. False when no token is configured. */
    public boolean accepts(String authorizationHeader) {
        if (token.isEmpty() || authorizationHeader == null) return false;
        String h = authorizationHeader.trim();
        String presented = null;
        if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = h.substring(7).trim();
        } else if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded =
                        new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                presented = colon < 0 ? decoded : decoded.substring(colon + 1);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        if (presented == null) return false;
        return MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.UTF_8), token.get().getBytes(StandardCharsets.UTF_8));
    }
}
