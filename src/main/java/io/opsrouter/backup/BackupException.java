package io.opsrouter.backup;

/** A backup, verify or restore that cannot go on; the message says what and, where known, which table or entry. */
public class BackupException extends RuntimeException {
    private final String reason;

    public BackupException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public BackupException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** A short word for the failure counter: database, locked, permission, disk, corrupt, target, io. */
    public String reason() {
        return reason;
    }
}
