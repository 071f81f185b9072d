package io.opsrouter.alert;

import io.opsrouter.store.Sql;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Short acknowledgement codes (table {@code ack_codes}): {@code /a/7KQ2XM8P} in an SMS stands for the signed
 * {@link AckTokens} token it was issued with, so the link takes 40 characters instead of 120. The code is only a
 * name for the token: the token still decides which alerts the link acknowledges and until when, so a short link
 * expires exactly like the long one. Codes are 8 Crockford base32 characters (40 bits) from {@link SecureRandom};
 * a wrong code costs the caller's address one of its failed-token budget ({@link io.opsrouter.app.AuthFailures}),
 * so guessing one of the live codes takes millions of years. Expired rows are deleted a week after they expire.
 */
final class AckCodes {
    static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    static final int LENGTH = 8;
    static final Duration KEEP_EXPIRED = Duration.ofDays(7);
    private static final int PURGE_EVERY = 1000;
    // one generator per thread: the default (NativePRNG) is one lock for the whole process, and the intake's
    // lanes issue codes at once; each thread's is a DRBG seeded by the system
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(AckCodes::generator);
    private static final AtomicLong ISSUED = new AtomicLong();

    /** One code to store with the token it stands for. */
    record Issued(String code, String token, Instant expires) {}

    private AckCodes() {}

    static String newCode() {
        // 40 random bits, 5 to a character: one call to the generator per code, not one per character (each call
        // takes the generator's lock and, for the native one, mixes in fresh bytes)
        byte[] b = new byte[5];
        RANDOM.get().nextBytes(b);
        long bits = 0;
        for (byte x : b) bits = bits << 8 | (x & 0xff);
        char[] c = new char[LENGTH];
        for (int i = LENGTH - 1; i >= 0; i--, bits >>>= 5) c[i] = ALPHABET.charAt((int) (bits & 31));
        return new String(c);
    }

    private static SecureRandom generator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /**
     * The code as stored, from what a person typed or a phone rewrote: case ignored, {@code O} read as {@code 0},
     * {@code I} and {@code L} as {@code 1}, hyphens dropped (Crockford's rules); null when it cannot be a code.
     */
    static String normalize(String raw) {
        if (raw == null || raw.length() > 2 * LENGTH) return null;
        StringBuilder sb = new StringBuilder(LENGTH);
        for (char ch : raw.toUpperCase(Locale.ROOT).toCharArray()) {
            char c = switch (ch) {
                case 'O' -> '0';
                case 'I', 'L' -> '1';
                default -> ch;
            };
            if (c == '-') continue;
            if (ALPHABET.indexOf(c) < 0) return null;
            sb.append(c);
        }
        return sb.length() == LENGTH ? sb.toString() : null;
    }

    /**
     * Stores the codes in the caller's transaction. A code already taken (one chance in 10^12 per live code) is
     * replaced by a fresh one: the answer maps each replaced code to its replacement, and is empty nearly always.
     */
    static Map<String, String> store(Connection c, List<Issued> codes, Instant now) throws SQLException {
        Map<String, String> replaced = new LinkedHashMap<>();
        if (codes.isEmpty()) return replaced;
        long before = ISSUED.getAndAdd(codes.size());
        if (before / PURGE_EVERY != (before + codes.size()) / PURGE_EVERY) purge(c, now);
        List<Issued> todo = codes;
        while (!todo.isEmpty()) {
            List<Issued> again = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO ack_codes (code, token, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (Issued i : todo) {
                    ps.setString(1, i.code());
                    ps.setString(2, i.token());
                    ps.setObject(3, Sql.ts(i.expires()));
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int k = 0; k < counts.length; k++) {
                    if (counts[k] != 0) continue;
                    Issued taken = todo.get(k);
                    Issued fresh = new Issued(newCode(), taken.token(), taken.expires());
                    String original = replaced.entrySet().stream()
                            .filter(e -> e.getValue().equals(taken.code()))
                            .map(Map.Entry::getKey)
                            .findFirst()
                            .orElse(taken.code());
                    replaced.put(original, fresh.code());
                    again.add(fresh);
                }
            }
            todo = again;
        }
        return replaced;
    }

    /** The token a code stands for, or null when there is no such code (never issued, or deleted long after expiry). */
    static String token(Connection c, String code) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT token FROM ack_codes WHERE code = ?")) {
            ps.setString(1, code);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static int purge(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM ack_codes WHERE expires_at < ?")) {
            ps.setObject(1, Sql.ts(now.minus(KEEP_EXPIRED)));
            return ps.executeUpdate();
        }
    }
}
