package io.opsrouter.alert;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring acknowledgement tokens, so a person can acknowledge from a phone without an API key.
 * A token is {@code base64url(payload).base64url(HMAC-SHA256(payload))[:16 bytes]}; the payload is
 * {@code v1|<expiry epoch seconds>|<alert id>,<alert id>...}, or for a message about many alerts (so the link
 * stays short enough for an SMS) {@code g1|<expiry>|<group id>|<epoch millis>}: every alert of that group
 * announced by that moment.
 */
public final class AckTokens {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();

    private final byte[] key;
    private final Duration ttl;
    // one keyed Mac per thread: looking the algorithm up and keying it cost more than signing a token, and the
    // intake signs one per message it writes (a storm of new groups, thousands a second)
    private final ThreadLocal<Mac> mac = ThreadLocal.withInitial(this::newMac);

    public AckTokens(byte[] key, Duration ttl) {
        if (key.length < 16) throw new IllegalArgumentException("acknowledgement key shorter than 16 bytes");
        this.key = key.clone();
        this.ttl = ttl;
    }

    /** When a token issued at {@code now} expires. */
    public Instant expiry(Instant now) {
        return Instant.ofEpochSecond(now.plus(ttl).getEpochSecond());
    }

    public String issue(List<String> alertIds, Instant now) {
        return sealed("v1|" + now.plus(ttl).getEpochSecond() + "|" + String.join(",", alertIds));
    }

    /** A token for the alerts of a group announced up to {@code announcedBy}. */
    public String issueForGroup(String groupId, Instant announcedBy, Instant now) {
        return sealed("g1|" + now.plus(ttl).getEpochSecond() + "|" + groupId + "|" + announcedBy.toEpochMilli());
    }

    private String sealed(String payload) {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        return B64.encodeToString(p) + "." + B64.encodeToString(sign(p));
    }

    /** What a token says, or why it is refused. */
    public sealed interface Check permits Valid, Refused {}

    /** Either alert ids, or a group id with the moment up to which its announced alerts are meant. */
    public record Valid(List<String> alertIds, String groupId, Instant announcedBy, Instant expires) implements Check {}

    public record Refused(int status, String reason) implements Check {}

    public Check check(String token, Instant now) {
        if (token == null || token.length() > 2000)
            return new Refused(400, "This link is not an acknowledgement link.");
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.'))
            return new Refused(400, "This link is not an acknowledgement link.");
        byte[] payload;
        byte[] mac;
        try {
            payload = D64.decode(token.substring(0, dot));
            mac = D64.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return new Refused(400, "This link is not an acknowledgement link.");
        }
        // the decoder ignores a last character's unused bits: accept only the one spelling this router writes
        boolean canonical = B64.encodeToString(payload).equals(token.substring(0, dot))
                && B64.encodeToString(mac).equals(token.substring(dot + 1));
        if (!canonical || !MessageDigest.isEqual(mac, sign(payload))) {
            return new Refused(403, "This link has been altered or was not made by this router.");
        }
        String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|", 4);
        boolean ids = "v1".equals(parts[0]) && parts.length == 3;
        boolean group = "g1".equals(parts[0]) && parts.length == 4;
        if (!ids && !group) return new Refused(400, "This link is not an acknowledgement link.");
        Instant expires;
        try {
            expires = Instant.ofEpochSecond(Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
            return new Refused(400, "This link is not an acknowledgement link.");
        }
        if (!now.isBefore(expires)) {
            return new Refused(
                    410, "This link expired at " + expires + ". Acknowledge in the API or from a newer message.");
        }
        if (group) {
            try {
                return new Valid(List.of(), parts[2], Instant.ofEpochMilli(Long.parseLong(parts[3])), expires);
            } catch (NumberFormatException e) {
                return new Refused(400, "This link is not an acknowledgement link.");
            }
        }
        List<String> alertIds =
                Arrays.stream(parts[2].split(",")).filter(s -> !s.isBlank()).toList();
        if (alertIds.isEmpty()) return new Refused(400, "This link names no alert.");
        return new Valid(alertIds, null, null, expires);
    }

    private byte[] sign(byte[] payload) {
        // doFinal leaves the Mac keyed and reset for the next payload
        return Arrays.copyOf(mac.get().doFinal(payload), 16);
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
