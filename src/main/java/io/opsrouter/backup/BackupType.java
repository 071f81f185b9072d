package io.opsrouter.backup;

import java.util.Locale;

/** What a backup holds: {@code full} (database and folders), {@code incremental} (changed rows), {@code config} (folders only). */
public enum BackupType {
    FULL,
    INCREMENTAL,
    CONFIG;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean hasDatabase() {
        return this != CONFIG;
    }

    public static BackupType parse(String s) {
        for (BackupType t : values()) if (t.label().equalsIgnoreCase(s == null ? "" : s.trim())) return t;
        throw new IllegalArgumentException("'" + s + "' is not a backup type (full, incremental, config)");
    }
}
