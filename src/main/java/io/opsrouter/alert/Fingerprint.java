package io.opsrouter.alert;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An alert's identity: FNV-1a 64-bit over the label names (sorted) and values, each followed by 0xFF,
 * printed as 16 hex digits. This is Alertmanager's fingerprint, so an alert fed in by Alertmanager and
 * the same labels seen by a probe are one alert.
 */
public final class Fingerprint {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private Fingerprint() {}

    public static String of(Map<String, String> labels) {
        long h = OFFSET;
        SortedMap<String, String> sorted =
                labels instanceof SortedMap<String, String> m && m.comparator() == null ? m : new TreeMap<>(labels);
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            h = add(h, e.getKey());
            h = addByte(h, 0xFF);
            h = add(h, e.getValue());
            h = addByte(h, 0xFF);
        }
        return HexFormat.of().toHexDigits(h);
    }

    /** A short stable id for any string (group keys). */
    public static String ofText(String text) {
        return HexFormat.of().toHexDigits(add(OFFSET, text));
    }

    private static long add(long h, String s) {
        if (s == null) return h;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) h = addByte(h, b & 0xFF);
        return h;
    }

    private static long addByte(long h, int b) {
        h ^= b;
        return h * PRIME;
    }
}
