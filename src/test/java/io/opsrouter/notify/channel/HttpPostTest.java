package io.opsrouter.notify.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.opsrouter.notify.ChannelException;
import io.opsrouter.testing.SelfSignedTls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpPostTest {
    @TempDir
    Path dir;

    final HttpPost http = new HttpPost(Duration.ofSeconds(2));
    final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        http.close();
        for (AutoCloseable s : servers) s.close();
    }

    @Test
    void aConnectionTheReceiverClosesRightAfterItsAnswerIsNotAFailure() throws Exception {
        // answers each request and closes at once, without "Connection: close": the next request may already be on
        // its way on that connection, as with a server that closes idle connections beyond a limit
        AtomicInteger answered = new AtomicInteger();
        String url = closingReceiver("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", answered);
        for (int i = 0; i < 200; i++)
            assertThat(http.post(url, Map.of(), "{\"n\": " + i + "}")).isEqualTo("ok");
        assertThat(answered).hasValue(200);
    }

    @Test
    void aReceiverThatBeganToAnswerAndClosedIsNotSentTheRequestAgain() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        // the answer promises 10 bytes of body and brings 2
        String url = closingReceiver("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok", requests);
        assertThatThrownBy(() -> http.post(url, Map.of(), "{}")).isInstanceOfSatisfying(ChannelException.class, e -> {
            assertThat(e.reason()).isEqualTo("io");
            assertThat(e.isRetryable()).isTrue();
        });
        assertThat(requests)
                .as("the receiver has it: the outbox decides what comes next")
                .hasValue(1);
    }

    @Test
    void requestsFromManyThreadsToSeveralReceiversAllComplete() throws Exception {
        // begun from threads of their own on a context each, about 1 in 3,000 such requests never completed
        String ok = receiver(200), failing = receiver(500);
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        Thread other = new Thread(() -> {
            for (int i = 0; i < 600; i++)
                outcomes.computeIfAbsent(outcome(failing), k -> new AtomicInteger())
                        .incrementAndGet();
        });
        other.start();
        for (int i = 0; i < 2400; i++)
            outcomes.computeIfAbsent(outcome(ok), k -> new AtomicInteger()).incrementAndGet();
        other.join();
        assertThat(outcomes).containsOnlyKeys("ok", "http_500");
        assertThat(outcomes.get("ok")).hasValue(2400);
        assertThat(outcomes.get("http_500")).hasValue(600);
    }

    @Test
    void sendsBeyondAThousandToOneReceiverAreAllInFlightAtOnce() throws Exception {
        // a window above the old pool's 1,024 connections (NOTIFY_IN_FLIGHT goes to 4,096): the receiver answers
        // only once every request is in, so a send left waiting for a connection would hold them all back
        int window = 1100;
        CountDownLatch allIn = new CountDownLatch(window);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2 * window);
        ExecutorService handlers = Executors.newFixedThreadPool(window + 10);
        server.setExecutor(handlers);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            allIn.countDown();
            int status;
            try {
                status = allIn.await(15, TimeUnit.SECONDS) ? 200 : 503;
            } catch (InterruptedException e) {
                status = 503;
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
        servers.add(() -> {
            server.stop(0);
            handlers.shutdownNow(); // a fixed pool's 1,110 threads would otherwise idle for the rest of the run
        });
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        try (HttpPost patient = new HttpPost(Duration.ofSeconds(20)).start()) {
            List<CompletableFuture<String>> sends = new ArrayList<>();
            for (int i = 0; i < window; i++) sends.add(patient.postAsync(url, Map.of(), "{}"));
            CompletableFuture.allOf(sends.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
            assertThat(allIn.getCount()).isZero();
        }
    }

    @Test
    void aReceiverWhoseCertificateIsNotTrustedGetsNothing() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(SelfSignedTls.serverContext(dir, 30)));
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        servers.add(() -> server.stop(0));
        assertThatThrownBy(() ->
                        http.post("https://localhost:" + server.getAddress().getPort() + "/x", Map.of(), "{}"))
                .isInstanceOfSatisfying(ChannelException.class, e -> {
                    assertThat(e.reason()).isEqualTo("tls");
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.getMessage()).startsWith("TLS with the receiver failed: ");
                });
        assertThat(requests).hasValue(0);
    }

    @Test
    void aReceiverThatNeverAnswersIsCutOffAtTheSendTimeout() throws Exception {
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(silent);
        try (HttpPost quick = new HttpPost(Duration.ofMillis(300))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> quick.post("http://127.0.0.1:" + silent.getLocalPort() + "/x", Map.of(), "{}"))
                    .isInstanceOfSatisfying(ChannelException.class, e -> {
                        assertThat(e.reason()).isEqualTo("timeout");
                        assertThat(e.getMessage()).isEqualTo("timed out: no complete answer within 300 ms");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aUrlThatIsNotHttpIsABadRequestNeverSent() {
        assertThatThrownBy(() -> http.post("ftp://127.0.0.1/x", Map.of(), "{}"))
                .isInstanceOfSatisfying(ChannelException.class, e -> {
                    assertThat(e.reason()).isEqualTo("bad_request");
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).isEqualTo("cannot build the request: not an http(s) URL with a host");
                });
    }

    @Test
    void aClosedClientRefusesNewSends() throws Exception {
        String ok = receiver(200);
        assertThat(outcome(ok)).isEqualTo("ok");
        http.close();
        assertThat(outcome(ok)).isEqualTo("closed");
    }

    private String outcome(String url) {
        try {
            http.postAsync(url, Map.of("Content-Type", "application/json"), "{}")
                    .get(10, TimeUnit.SECONDS);
            return "ok";
        } catch (ExecutionException e) {
            return ((ChannelException) e.getCause()).reason();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private String receiver(int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] b = "{}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        servers.add(() -> server.stop(0));
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /**
     * A receiver that reads each request, counts it, writes {@code response} and closes the connection at once,
     * without "Connection: close"; its URL.
     */
    private String closingReceiver(String response, AtomicInteger requests) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(server);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    readRequest(s);
                    requests.incrementAndGet();
                    OutputStream out = s.getOutputStream();
                    out.write(response.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // the server closing
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
    }

    private static void readRequest(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase().startsWith("content-length:"))
                length = Integer.parseInt(line.substring(15).trim());
        }
        for (int i = 0; i < length; i++) in.read();
    }
}
