package io.opsrouter.ingest;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks {@code X-Signature: sha256=<hex>}, the HMAC-SHA256 over {@code <X-Timestamp>.<raw body>} with
 * {@code ROUTER_WEBHOOK_SECRET}, compared in constant time; a timestamp further than the tolerance from now
 * is refused as a replay. Without a secret, signed events are refused altogether (403).
 */
public final class EventSignature {
    public static final String SIGNATURE_HEADER = "X-Signature";
    public static final String TIMESTAMP_HEADER = "X-Timestamp";

    private final Optional<byte[]> secret;
    private final Duration tolerance;
    private final Clock clock;

    public EventSignature(Optional<String> secret, Duration tolerance, Clock clock) {
        this.secret = secret.map(s -> s.getBytes(StandardCharsets.UTF_8));
        this.tolerance = tolerance;
        this.clock = clock;
    }

    public void verify(String timestampHeader, String signatureHeader, byte[] rawBody) {
        if (secret.isEmpty()) {
            throw new IngestRefusal(403, "disabled", "signed events are off: ROUTER_WEBHOOK_SECRET is not set", null);
        }
        if (timestampHeader == null || !timestampHeader.trim().matches("\\d{1,12}")) {
            throw new IngestRefusal(401, "bad_timestamp", "X-Timestamp must be Unix seconds", TIMESTAMP_HEADER);
        }
        long ts = Long.parseLong(timestampHeader.trim());
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - ts) > tolerance.toSeconds()) {
            throw new IngestRefusal(401, "replay", "X-Timestamp is more than " + tolerance.toSeconds() + "s from the router's clock",
                    TIMESTAMP_HEADER);
        }
        byte[] presented = presented(signatureHeader);
        byte[] expected = sign(secret.get(), timestampHeader.trim(), rawBody);
        if (presented == null || !MessageDigest.isEqual(presented, expected)) {
            throw new IngestRefusal(401, "bad_signature", "X-Signature does not match the body", SIGNATURE_HEADER);
        }
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
