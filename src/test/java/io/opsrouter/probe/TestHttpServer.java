package io.opsrouter.probe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server for probe tests: answers well, fails, hangs, redirects, sends bad JSON, huge and binary
 * bodies; {@code /switch} answers with whatever status the test sets.
 */
final class TestHttpServer implements AutoCloseable {
    final HttpServer server;
    final AtomicInteger switchStatus = new AtomicInteger(200);
    final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
    final AtomicInteger hangsStarted = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);

    TestHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/ok", ex -> send(ex, 200, "{\"status\":\"ok\",\"count\":3,\"up\":true}"));
        server.createContext("/down", ex -> send(ex, 200, "{\"status\":\"degraded\",\"count\":0}"));
        server.createContext("/fail", ex -> send(ex, 500, "{\"error\":\"boom\"}"));
        server.createContext("/redirect", ex -> {
            ex.getResponseHeaders().add("Location", "/ok");
            send(ex, 302, "");
        });
        server.createContext("/badjson", ex -> send(ex, 200, "{\"status\": \"ok\", oops"));
        server.createContext("/hang", ex -> {
            hangsStarted.incrementAndGet();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(ex, 200, "late");
        });
        server.createContext("/huge", ex -> {
            ex.sendResponseHeaders(200, 0);
            byte[] chunk = "status ok ".repeat(1024).getBytes(StandardCharsets.US_ASCII);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 1000; i++) out.write(chunk); // 10 MB
            } catch (IOException e) {
                // the probe stopped reading after its limit: expected
            }
        });
        server.createContext("/binary", ex -> {
            byte[] b = new byte[4096];
            for (int i = 0; i < b.length; i++) b[i] = (byte) i;
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.createContext(
                "/switch",
                ex -> send(
                        ex, switchStatus.get(), "{\"status\":\"" + (switchStatus.get() == 200 ? "ok" : "bad") + "\"}"));
        server.start();
    }

    private void send(HttpExchange ex, int status, String body) throws IOException {
        hits.computeIfAbsent(ex.getRequestURI().getPath(), k -> new AtomicInteger())
                .incrementAndGet();
        ex.getRequestHeaders().forEach((k, v) -> lastHeaders.put(k.toLowerCase(), String.join(",", v)));
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        } else {
            ex.close();
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
