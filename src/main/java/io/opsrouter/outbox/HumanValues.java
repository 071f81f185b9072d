package io.opsrouter.outbox;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * Numbers as a person reads them: {@code 8.72E-7} seconds is {@code 0.9 µs}, a ratio is a percentage, bytes are
 * KB/MB/GB (1024), durations are {@code 2m 30s}. The unit comes from the value's name, Prometheus style: a name
 * ending {@code _seconds}, {@code _ratio}, {@code _bytes} or {@code _percent}; other numbers are plain (no exponent).
 * Pure: no state, no locale (a dot is the decimal separator everywhere). Rule summaries ({{value}}) and message
 * templates both print values through it.
 */
public final class HumanValues {
    private HumanValues() {}

    /** The value named {@code name}, with the unit its name gives it. */
    public static String value(String name, double v) {
        if (Double.isNaN(v)) return "n/a";
        if (Double.isInfinite(v)) return v > 0 ? "infinite" : "-infinite";
        String n = name == null ? "" : name.toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith("_seconds") || n.equals("seconds")) return seconds(v);
        if (n.endsWith("_ratio") || n.equals("ratio")) return percent(v);
        if (n.endsWith("_percent")) return trimmed(v, v == Math.rint(v) || Math.abs(v) >= 10 ? 0 : 1) + "%";
        if (n.endsWith("_bytes") || n.equals("bytes")) return bytes(v);
        return number(v);
    }

    /** Seconds: {@code 12 ns}, {@code 0.9 µs}, {@code 250 ms}, {@code 0.6 s}, {@code 2.5 s}, or from a minute on {@code 2m 30s}. */
    public static String seconds(double s) {
        if (Double.isNaN(s) || Double.isInfinite(s)) return value("", s);
        double a = Math.abs(s);
        String sign = s < 0 ? "-" : "";
        if (a >= 59.5) return sign + duration(Duration.ofSeconds(Math.round(a)));
        if (a == 0) return "0 s";
        // a unit from half of it on: 0.872 µs reads "0.9 µs", not "872 ns"
        if (a >= 0.5) return sign + scaled(a, "s");
        if (a >= 0.5e-3) return sign + scaled(a * 1e3, "ms");
        if (a >= 0.5e-6) return sign + scaled(a * 1e6, "µs");
        if (a >= 0.05e-9) return sign + scaled(a * 1e9, "ns");
        return sign + "<0.1 ns";
    }

    /** A ratio (0.934) as a percentage ({@code 93%}); below 10% with one decimal ({@code 0.5%}). */
    public static String percent(double ratio) {
        if (Double.isNaN(ratio) || Double.isInfinite(ratio)) return value("", ratio);
        double p = ratio * 100;
        return trimmed(p, Math.abs(p) < 9.95 ? 1 : 0) + "%";
    }

    /** Bytes in B, KB, MB, GB, TB (powers of 1024), one decimal below 10 of a unit. */
    public static String bytes(double b) {
        if (Double.isNaN(b) || Double.isInfinite(b)) return value("", b);
        String[] units = {"B", "KB", "MB", "GB", "TB", "PB"};
        double a = Math.abs(b);
        int u = 0;
        while (u < units.length - 1 && round(a, a < 9.95 ? 1 : 0) >= 1024) {
            a /= 1024;
            u++;
        }
        String sign = b < 0 ? "-" : "";
        return sign + (u == 0 ? trimmed(a, 0) : trimmed(a, a < 9.95 ? 1 : 0)) + " " + units[u];
    }

    /** The two largest units of a duration: {@code 45s}, {@code 2m 30s}, {@code 1h 5m}, {@code 3d 4h}. */
    public static String duration(Duration d) {
        if (d == null) return "";
        long s = Math.abs(d.getSeconds());
        String sign = d.isNegative() ? "-" : "";
        long days = s / 86_400;
        long hours = s % 86_400 / 3_600;
        long minutes = s % 3_600 / 60;
        long secs = s % 60;
        if (days > 0) return sign + days + "d" + (hours > 0 ? " " + hours + "h" : "");
        if (hours > 0) return sign + hours + "h" + (minutes > 0 ? " " + minutes + "m" : "");
        if (minutes > 0) return sign + minutes + "m" + (secs > 0 ? " " + secs + "s" : "");
        return sign + secs + "s";
    }

    /** A plain number: whole numbers as they are, others with up to three significant decimals, never an exponent. */
    public static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return value("", v);
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        double a = Math.abs(v);
        int decimals = a >= 100 ? 1 : a >= 1 ? 2 : Math.max(3, 2 - (int) Math.floor(Math.log10(a)));
        return trimmed(v, Math.min(decimals, 12));
    }

    private static String scaled(double x, String unit) {
        return trimmed(x, round(x, 1) < 10 ? 1 : 0) + " " + unit;
    }

    private static double round(double x, int decimals) {
        return BigDecimal.valueOf(x).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
    }

    private static String trimmed(double x, int decimals) {
        BigDecimal b =
                BigDecimal.valueOf(x).setScale(decimals, RoundingMode.HALF_UP).stripTrailingZeros();
        if (b.signum() == 0) return "0";
        return b.toPlainString();
    }
}
