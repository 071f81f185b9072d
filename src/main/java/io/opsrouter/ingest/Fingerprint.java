package io.opsrouter.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alertmanager's alert fingerprint, for senders that do not send one (Prometheus posting to /api/v2/alerts):
 * FNV-1a 64-bit over each label name, 0xFF, value, 0xFF, names sorted; 16 hex digits.
 */
public final class Fingerprint {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private Fingerprint() {}

    public static String of(Map<String, String> labels) {
        if (labels.isEmpty()) return String.format("%016x", OFFSET);
        long h = OFFSET;
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            h = add(h, e.getKey());
            h = addByte(h, 0xFF);
            h = add(h, e.getValue());
            h = addByte(h, 0xFF);
        }
        return String.format("%016x", h);
    }

    private static long add(long h, String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) h = addByte(h, b & 0xFF);
        return h;
    }

    private static long addByte(long h, int b) {
        return (h ^ b) * PRIME;
    }
}
