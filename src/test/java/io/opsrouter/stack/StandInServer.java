package io.opsrouter.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * One loopback HTTP server standing in for the SaaS APIs of the end-to-end test (Slack's incoming webhook,
 * Twilio's Messages API), a second webhook receiver for Alertmanager, and a tiny exporter whose gauges the
 * test sets to make a Prometheus rule fire and resolve. It records every request it gets.
 */
final class StandInServer implements AutoCloseable {
    record Request(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst()
                    .orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Double> gauges = new ConcurrentHashMap<>();

    StandInServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Sets a gauge of the exporter at {@code /exporter/metrics}; the name may carry labels: {@code x{a="b"}}. */
    void gauge(String series, double value) {
        gauges.put(series, value);
    }

    List<Request> received(Predicate<Request> which) {
        return requests.stream().filter(which).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (path.equals("/exporter/metrics")) {
            StringBuilder text = new StringBuilder();
            gauges.forEach((series, value) ->
                    text.append(series).append(' ').append(value).append('\n'));
            respond(ex, 200, "text/plain; version=0.0.4", text.toString());
            return;
        }
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(new Request(ex.getRequestMethod(), path, Map.copyOf(ex.getRequestHeaders()), body));
        if (path.startsWith("/twilio/")) {
            respond(
                    ex,
                    201,
                    "application/json",
                    "{\"sid\":\"SM" + Long.toHexString(System.nanoTime()) + "\",\"status\":\"queued\"}");
        } else if (path.startsWith("/slack/")) {
            respond(ex, 200, "text/plain", "ok");
        } else {
            respond(ex, 200, "application/json", "{}");
        }
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (var out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
