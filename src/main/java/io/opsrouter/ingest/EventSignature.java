package io.opsrouter.ingest;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks {@code X-Signature: sha256=<hex>}, the HMAC-SHA256 over {@code <X-Timestamp>.<raw body>} with
 * {@code ROUTER_WEBHOOK_SECRET}, compared in constant time; a timestamp older than the tolerance is refused as a
 * replay, one ahead of the router's clock by more than the allowed skew as from the future. Without a secret, signed
 * events are refused altogether (403). A verified event is one {@link EventReplay} then takes only once.
 */
public final class EventSignature {
    public static final String SIGNATURE_HEADER = "X-Signature";
    public static final String TIMESTAMP_HEADER = "X-Timestamp";

    private final Optional<byte[]> secret;
    private final Duration tolerance;
    private final Clock clock;
    private final Duration futureSkew;

    /** What a verified event was signed at and with: the replay check keeps it until {@link #expiresAt()}. */
    public record Verified(Instant timestamp, String signatureHex, Instant expiresAt) {}

    public EventSignature(Optional<String> secret, Duration tolerance, Clock clock) {
        this(secret, tolerance, Duration.ofSeconds(30), clock);
    }

    public EventSignature(Optional<String> secret, Duration tolerance, Duration futureSkew, Clock clock) {
        this.secret = secret.map(s -> s.getBytes(StandardCharsets.UTF_8));
        this.tolerance = tolerance;
        this.futureSkew = futureSkew;
        this.clock = clock;
    }

    public Verified verify(String timestampHeader, String signatureHeader, byte[] rawBody) {
        if (secret.isEmpty()) {
            throw new IngestRefusal(403, "disabled", "signed events are off: ROUTER_WEBHOOK_SECRET is not set", null);
        }
        if (timestampHeader == null || !timestampHeader.trim().matches("\\d{1,12}")) {
            throw new IngestRefusal(401, "bad_timestamp", "X-Timestamp must be Unix seconds", TIMESTAMP_HEADER);
        }
        long ts = Long.parseLong(timestampHeader.trim());
        long now = clock.instant().getEpochSecond();
        if (now - ts > tolerance.toSeconds()) {
            throw new IngestRefusal(
                    401,
                    "replay",
                    "X-Timestamp is more than " + tolerance.toSeconds() + "s before the router's clock",
                    TIMESTAMP_HEADER);
        }
        if (ts - now > futureSkew.toSeconds()) {
            throw new IngestRefusal(
                    401,
                    "future_timestamp",
                    "X-Timestamp is more than " + futureSkew.toSeconds()
                            + "s ahead of the router's clock (a timestamp from the future)",
                    TIMESTAMP_HEADER);
        }
        byte[] presented = presented(signatureHeader);
        byte[] expected = sign(secret.get(), timestampHeader.trim(), rawBody);
        if (presented == null || !MessageDigest.isEqual(presented, expected)) {
            throw new IngestRefusal(401, "bad_signature", "X-Signature does not match the body", SIGNATURE_HEADER);
        }
        return new Verified(
                Instant.ofEpochSecond(ts),
                HexFormat.of().formatHex(expected),
                Instant.ofEpochSecond(ts).plus(tolerance).plusSeconds(1));
    }

    private static byte[] presented(String header) {
        if (header == null) return null;
        String h = header.trim();
        if (!h.regionMatches(true, 0, "sha256=", 0, 7)) return null;
        String hex = h.substring(7);
        if (hex.length() != 64) return null;
        try {
            return HexFormat.of().parseHex(hex.toLowerCase());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The HMAC the sender computes: over the timestamp's text, a dot, and the raw body bytes. */
    public static byte[] sign(byte[] secret, String timestamp, byte[] rawBody) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            mac.update(rawBody);
            return mac.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
