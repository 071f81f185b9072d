package io.opsrouter.store;

/**
 * Puts H2 in PostgreSQL mode so that the migrations and queries are the ones PostgreSQL runs. (Commits reach the
 * file before they are acknowledged through {@link SharedFlush}, not through WRITE_DELAY=0, which also stops H2's
 * background compaction.)
 */
final class H2Urls {
    private H2Urls() {}

    static String withPostgresMode(String url) {
        String u = url;
        if (!u.toUpperCase().contains(";MODE=")) u += ";MODE=PostgreSQL";
        if (!u.toUpperCase().contains("DATABASE_TO_LOWER")) u += ";DATABASE_TO_LOWER=TRUE";
        if (!u.toUpperCase().contains("DEFAULT_NULL_ORDERING")) u += ";DEFAULT_NULL_ORDERING=HIGH";
        // the alert pipeline runs a few dozen distinct statements per transaction; H2 keeps only 8 parsed per session
        if (!u.toUpperCase().contains("QUERY_CACHE_SIZE")) u += ";QUERY_CACHE_SIZE=64";
        return u;
    }
}
