package io.opsrouter.config;

/**
 * A setting that cannot be used. The message is one line that names the file, the key,
 * what is wrong and how to fix it, so that start-up can print it and stop.
 */
public class SettingsException extends RuntimeException {
    private final String file;
    private final String key;
    private final String fix;

    public SettingsException(String file, String key, String problem, String fix) {
        super(format(file, key, problem, fix));
        this.file = file;
        this.key = key;
        this.fix = fix;
    }

    public SettingsException(String file, String key, String problem, String fix, Throwable cause) {
        this(file, key, problem, fix);
        initCause(cause);
    }

    private static String format(String file, String key, String problem, String fix) {
        StringBuilder sb = new StringBuilder();
        if (file != null) sb.append(file).append(": ");
        if (key != null) sb.append(key).append(": ");
        sb.append(problem);
        if (fix != null && !fix.isBlank()) sb.append(" (fix: ").append(fix).append(')');
        return sb.toString();
    }

    public String file() {
        return file;
    }

    public String key() {
        return key;
    }

    public String fix() {
        return fix;
    }
}
