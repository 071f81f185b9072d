package io.opsrouter.backup;

import java.io.IOException;
import java.sql.SQLException;

/** Turns database and disk errors into one clear sentence naming the table or file concerned. */
final class Failures {
    private Failures() {}

    static BackupException fromSql(SQLException e, String table, String doing) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String msg = e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getMessage().split("\n")[0];
        String where = table == null ? "" : " (table " + table + ")";
        if ("55P03".equals(state)) {
            return new BackupException(
                    "locked",
                    doing + ": table " + (table == null ? "" : table + " ")
                            + "is locked by another session and lock_timeout passed"
                            + " (fix: find the session holding the lock in pg_locks, "
                            + "or raise lockTimeout in " + BackupSettings.FILE + ")",
                    e);
        }
        if ("42501".equals(state)) {
            return new BackupException(
                    "permission",
                    doing + where + ": " + msg
                            + " (fix: grant SELECT on the table and BYPASSRLS (or exclude it) for the backup role)",
                    e);
        }
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
            return new BackupException(
                    "connection", doing + where + ": the connection to the database dropped: " + msg, e);
        }
        return new BackupException("database", doing + where + ": " + msg, e);
    }

    static BackupException fromIo(IOException e, String doing) {
        String msg = rootMessage(e);
        if (msg != null
                && (msg.toLowerCase().contains("no space left")
                        || msg.toLowerCase().contains("file too large")
                        || msg.toLowerCase().contains("quota"))) {
            return new BackupException("disk", doing + ": the disk is full (" + msg + ")", e);
        }
        return new BackupException("io", doing + ": " + msg, e);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            if (t instanceof BackupException) break;
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** The BackupException somewhere in a cause chain (as thrown inside a worker), if any. */
    static BackupException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BackupException b) return b;
            if (t.getCause() == t) break;
        }
        return null;
    }
}
