package io.opsrouter.heartbeat;

import java.util.Locale;

/**
 * One check-in, as healthchecks.io's ping URLs say it: {@code /ping/<key>} (success), {@code /start}, {@code /fail},
 * or {@code /<exit-status>} (0 success, 1-255 failure).
 */
public record Ping(Kind kind, Integer exitStatus) {
    public enum Kind {
        SUCCESS,
        START,
        FAIL
    }

    public static final Ping SUCCESS = new Ping(Kind.SUCCESS, null);
    public static final Ping START = new Ping(Kind.START, null);
    public static final Ping FAIL = new Ping(Kind.FAIL, null);

    /** The ping a URL's last part names; null or empty for a plain ping. Null when it names none. */
    public static Ping parse(String action) {
        if (action == null || action.isEmpty()) return SUCCESS;
        String a = action.toLowerCase(Locale.ROOT);
        if (a.equals("start")) return START;
        if (a.equals("fail")) return FAIL;
        if (!a.matches("[0-9]{1,3}")) return null;
        int status = Integer.parseInt(a);
        if (status > 255) return null;
        return new Ping(status == 0 ? Kind.SUCCESS : Kind.FAIL, status);
    }

    /** Ends a run: a success or a failure. */
    public boolean finishes() {
        return kind != Kind.START;
    }

    public String label() {
        return exitStatus != null ? "exit " + exitStatus : kind.name().toLowerCase(Locale.ROOT);
    }
}
