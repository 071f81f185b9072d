package io.opsrouter.probe;

import java.util.Locale;

/** What a monitor checks. */
public enum Kind {
    HTTP,
    TLS,
    TCP,
    SQL,
    PG;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Null when the text names no kind. */
    public static Kind parse(String s) {
        if (s == null) return null;
        for (Kind k : values()) if (k.label().equals(s.trim().toLowerCase(Locale.ROOT))) return k;
        return null;
    }

    public boolean usesTargetDb() {
        return this == SQL || this == PG;
    }
}
