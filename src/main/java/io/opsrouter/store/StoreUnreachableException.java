package io.opsrouter.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * The store did not answer (no connection within the timeout, a connection lost, a statement cancelled by its
 * timeout): doing the same again at once would wait as long again, so callers answer at once (ingest's 503).
 */
public final class StoreUnreachableException extends StoreException {
    StoreUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The exception to throw for {@code e}: this one when the store did not answer, else a plain one. */
    static StoreException of(SQLException e) {
        String message = "state store: " + e.getMessage();
        return unreachable(e) ? new StoreUnreachableException(message, e) : new StoreException(message, e);
    }

    static boolean unreachable(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState();
            // 08: connection exceptions; 57014: cancelled by statement_timeout
            if (s instanceof SQLTransientConnectionException
                    || (state != null && (state.startsWith("08") || state.equals("57014")))) return true;
            if (s.getNextException() == s) break;
        }
        return false;
    }
}
