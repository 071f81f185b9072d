package io.opsrouter.app;

import io.opsrouter.config.SettingsException;
import java.nio.file.Path;

/** Turns whatever stopped start-up into the one line an operator needs: which file or setting, and why. */
final class StartupErrors {
    private StartupErrors() {}

    static String oneLine(Throwable e, Path home) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SettingsException) return t.getMessage();
            if (t.getCause() == t) break;
        }
        String route = RouteErrors.describe(e, home);
        if (route != null) return route;
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return msg.replaceAll("\\s+", " ").trim();
    }
}
