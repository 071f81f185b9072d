package io.opsrouter.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Tells before anything starts whether the HTTP port can be bound, so a taken port is one clear line. */
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
}
