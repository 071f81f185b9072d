package io.opsrouter.alert;

/** P1 pages at once and escalates; P2 tells the primary and escalates slowly; P3 is information. */
public enum Severity {
    P1,
    P2,
    P3;

    public static Severity parse(String s) {
        if (s == null) return null;
        return switch (s.trim().toUpperCase()) {
            case "P1" -> P1;
            case "P2" -> P2;
            case "P3" -> P3;
            default -> throw new IllegalArgumentException("'" + s + "' is not a severity; use P1, P2 or P3");
        };
    }
}
