package io.opsrouter.store;

/**
 * Puts H2 in PostgreSQL mode so that the migrations and queries are the ones PostgreSQL runs, and makes each commit
 * reach the file before it returns.
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
        // a commit is written to the file before it returns (H2 holds commits up to a second by default): what the
        // router acknowledged survives a killed process. Not an fsync: a power cut may still lose the last commits;
        // PostgreSQL is the store for that.
        if (!u.toUpperCase().contains("WRITE_DELAY")) u += ";WRITE_DELAY=0";
        return u;
    }
}
