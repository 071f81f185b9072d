package io.opsrouter.store;

/** The two databases the store runs on. Queries are shared; only a few statements differ. */
public enum Dialect {
    H2("H2 (embedded)"),
    POSTGRESQL("PostgreSQL");

    private final String label;

    Dialect(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) return H2;
        if (jdbcUrl.startsWith("jdbc:postgresql:")) return POSTGRESQL;
        throw new IllegalArgumentException("unsupported JDBC URL: " + jdbcUrl);
    }

    /**
     * Row locking that lets several dispatchers take different rows without waiting for each other. None on H2:
     * an embedded store has one process, whose claimers never compete for a row (one claiming thread per
     * channel) and whose claim UPDATE checks the row is still due; and H2 with FOR UPDATE reads every matching
     * row before LIMIT, which would make each claim cost the whole backlog.
     */
    public String skipLocked() {
        return this == POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "";
    }
}
