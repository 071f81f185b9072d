package io.opsrouter.app;

import io.opsrouter.app.http.ConnectionGuard;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.apache.camel.CamelContext;

/**
 * Tells before anything starts whether the HTTP port can be bound, so a taken port is one clear line; and, once
 * Camel has started, that its HTTP server does listen: Camel only logs a warning when the bind fails, and the
 * router then ran with no door at all, {@code /health} unanswered, had the port been taken between the two.
 */
final class PortCheck {
    private PortCheck() {}

    static void ensureFree(int port, io.opsrouter.config.SettingsSource settings) {
        if (port == 0) return;
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw settings.error(
                    io.opsrouter.config.CoreSettings.HTTP_PORT,
                    "ROUTER_HTTP_PORT",
                    "port " + port + " is in use (" + e.getMessage() + ")",
                    "stop what listens on " + port + " or set ROUTER_HTTP_PORT to a free port");
        }
    }

    /** After Camel started: the HTTP server listens, or start-up fails with the same line as a taken port. */
    static void ensureListening(CamelContext camel, int port, io.opsrouter.config.SettingsSource settings) {
        ConnectionGuard guard = camel.getRegistry().lookupByNameAndType(ConnectionGuard.BEAN, ConnectionGuard.class);
        if (guard == null || guard.listening()) return;
        throw settings.error(
                io.opsrouter.config.CoreSettings.HTTP_PORT,
                "ROUTER_HTTP_PORT",
                "port " + port + " is in use (taken while the router started: its HTTP server could not listen)",
                "stop what listens on " + port + " or set ROUTER_HTTP_PORT to a free port");
    }
}
