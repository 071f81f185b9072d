package io.opsrouter.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.RouterHarness;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketProbersTest {
    @TempDir
    Path dir;

    private ProbeRunner runner;

    @BeforeEach
    void start() {
        runner = new ProbeRunner(4, Clock.systemUTC(), null, HttpProber.DEFAULT_BODY_LIMIT);
    }

    @AfterEach
    void stop() {
        runner.close();
    }

    private static Monitor tls(int port, String timeout) {
        return Monitors.one("""
                - id: cert
                  kind: tls
                  host: localhost
                  port: %d
                  timeout: %s
                  conditions: [days_left > 30]
                """.formatted(port, timeout));
    }

    @Test
    void tlsReadsTheDaysLeftOfASelfSignedCertificateAndSaysItIsNotTrusted() throws Exception {
        try (TestTlsServer server = new TestTlsServer(dir, 45)) {
            ProbeResult r = runner.run(tls(server.port(), "5s")).join();
            assertThat(r.success()).as(r.detail()).isTrue();
            assertThat(r.values().get("days_left")).isBetween(44.9, 45.01);
            assertThat(r.values()).containsEntry("trusted", 0.0);
        }
    }

    @Test
    void tlsFailsWhenTheCertificateExpiresTooSoon() throws Exception {
        try (TestTlsServer server = new TestTlsServer(dir, 10)) {
            ProbeResult r = runner.run(tls(server.port(), "5s")).join();
            assertThat(r.success()).isFalse();
            assertThat(r.detail()).matches("days_left > 30 \\(got (9\\.9\\d*|10)\\)");
        }
    }

    @Test
    void tlsFailsWhenTheHandshakeDoesNotHappen() throws Exception {
        try (ServerSocket silent = TestTlsServer.silent()) {
            ProbeResult r = runner.run(tls(silent.getLocalPort(), "300ms")).join();
            assertThat(r.success()).isFalse();
            assertThat(r.detail()).isEqualTo("timed out after 300ms");
        }
        ProbeResult refused = runner.run(tls(RouterHarness.freePort(), "2s")).join();
        assertThat(refused.detail())
                .startsWith("TLS handshake with localhost:")
                .containsIgnoringCase("connection refused");
    }

    @Test
    void tcpConnectsOrFails() throws Exception {
        try (ServerSocket open = TestTlsServer.silent()) {
            Monitor m = Monitors.one(
                    "- id: db\n  kind: tcp\n  host: 127.0.0.1\n  port: " + open.getLocalPort() + "\n  timeout: 2s\n");
            ProbeResult r = runner.run(m).join();
            assertThat(r.success()).as(r.detail()).isTrue();
        }
        Monitor closed = Monitors.one(
                "- id: db\n  kind: tcp\n  host: 127.0.0.1\n  port: " + RouterHarness.freePort() + "\n  timeout: 2s\n");
        ProbeResult r = runner.run(closed).join();
        assertThat(r.success()).isFalse();
        assertThat(r.detail())
                .startsWith("connect to 127.0.0.1:")
                .contains("failed: ")
                .containsIgnoringCase("refused");
    }
}
