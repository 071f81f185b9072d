package io.opsrouter.alert.lifecycle;

/**
 * Where an alert stands. Kept in the {@code alerts.status} column: {@link #column()} and {@link #ofColumn} are the only
 * place its text is written. A firing alert is either announced or not yet ({@link AlertState#announced()}); a muted
 * (silenced, in a maintenance window, inhibited) alert keeps its status and is held back by {@link Event.Muted}.
 */
public enum Status {
    /** A rule's {@code for} has not passed yet: nobody is told. */
    PENDING("pending"),
    /** Waiting for its group's message, or announced and escalating until someone acknowledges. */
    FIRING("firing"),
    /** Someone acknowledged: escalation and reminders stop. */
    ACKNOWLEDGED("acknowledged"),
    /** Over; the same labels firing again make a new alert. */
    RESOLVED("resolved");

    private final String column;

    Status(String column) {
        this.column = column;
    }

    /** The text stored in {@code alerts.status}. */
    public String column() {
        return column;
    }

    /** The status a stored {@code alerts.status} names. */
    public static Status ofColumn(String text) {
        // a switch, not a loop over values(): this runs for every alert row read, and values() copies its array
        switch (text == null ? "" : text) {
            case "pending":
                return PENDING;
            case "firing":
                return FIRING;
            case "acknowledged":
                return ACKNOWLEDGED;
            case "resolved":
                return RESOLVED;
            default:
                break;
        }
        throw new IllegalArgumentException(
                "'" + text + "' is not an alert status; use pending, firing, acknowledged or resolved");
    }

    /** Not resolved: it still owns its fingerprint, and a FIRING of the same labels repeats it. */
    public boolean active() {
        return this != RESOLVED;
    }
}
