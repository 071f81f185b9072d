package io.opsrouter.probe;

import io.opsrouter.testing.SelfSignedTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** A TLS server with a self-signed certificate valid for a known number of days, made by keytool in the test. */
final class TestTlsServer implements AutoCloseable {
    private final SSLServerSocket server;
    private final Thread acceptor;

    TestTlsServer(Path dir, int validityDays) throws Exception {
        SSLContext ctx = SelfSignedTls.serverContext(dir, validityDays);
        server = (SSLServerSocket)
                ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "test-tls");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                ((SSLSocket) s).startHandshake();
            } catch (IOException e) {
                // a client that gave up, or the server closing
            }
        }
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** A plain TCP listener that never speaks TLS: accepts and says nothing. */
    static ServerSocket silent() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }
}
