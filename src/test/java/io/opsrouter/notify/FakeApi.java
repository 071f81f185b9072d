package io.opsrouter.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Stands in for Slack's, Twilio's or a webhook receiver's API: records every request and answers as told
 * (200, 500, 429 with Retry-After, or hang until released).
 */
final class FakeApi implements AutoCloseable {
    record Request(String method, String path, Map<String, String> headers, String body, Instant at, int answeredWith) {
        String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    enum Mode {
        OK,
        FAIL_500,
        RATE_LIMITED,
        HANG,
        BAD_REQUEST,
        UNAUTHORIZED
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.OK);
    private final AtomicInteger retryAfterSeconds = new AtomicInteger(1);
    private final AtomicInteger hangsLeft = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger failAfter = new AtomicInteger(-1);
    private volatile int delayUpToMillis;
    private volatile int delayMillis;
    private volatile int gate;
    private volatile String okBody = "ok";

    FakeApi() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    FakeApi mode(Mode m) {
        mode.set(m);
        return this;
    }

    FakeApi retryAfter(int seconds) {
        retryAfterSeconds.set(seconds);
        return this;
    }

    /** The next {@code n} requests hang until {@link #close}; later ones answer 200. */
    FakeApi hangNext(int n) {
        hangsLeft.set(n);
        return this;
    }

    /** Each answer comes after a random pause of up to {@code millis}, so requests in flight overlap and race. */
    FakeApi delayUpTo(int millis) {
        delayUpToMillis = millis;
        return this;
    }

    /** Each answer comes after {@code millis}, as a slow provider. */
    FakeApi delay(int millis) {
        delayMillis = millis;
        return this;
    }

    /**
     * Holds each delivery until {@code n} deliveries are in flight at once (or 20 s passed): a client that cannot have
     * that many in flight gets its answers only after 20 s.
     */
    FakeApi holdUntilInFlight(int n) {
        gate = n;
        return this;
    }

    /** Answers 200 to the next {@code n} deliveries, then switches to {@link Mode#FAIL_500}, as a server going down. */
    FakeApi failAfter(int n) {
        failAfter.set(n);
        return this;
    }

    /** Lets the requests hanging now answer (200 at once, the connection closed), without stopping the server. */
    void release() {
        release.countDown();
    }

    /** The most deliveries (POSTs) that were in flight at the same moment. */
    int maxInFlight() {
        return maxInFlight.get();
    }

    FakeApi okBody(String body) {
        okBody = body;
        return this;
    }

    List<Request> requests() {
        return new ArrayList<>(requests);
    }

    List<Request> accepted() {
        return requests.stream().filter(r -> r.answeredWith() / 100 == 2).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        if ("GET".equals(ex.getRequestMethod())) {
            // the router's own probe of the API (monitor twilio-api / slack-api): healthy, and not a delivery
            byte[] ok = "{}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
            return;
        }
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        deliver(ex);
    }

    private void deliver(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        Instant at = Instant.now();
        if (hangsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().toString(), headers, body, at, 0));
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            ex.close();
            return;
        }
        if (failAfter.get() >= 0 && failAfter.getAndDecrement() == 0) mode.set(Mode.FAIL_500);
        Mode m = mode.get();
        int status = switch (m) {
            case OK, HANG -> 200;
            case FAIL_500 -> 500;
            case RATE_LIMITED -> 429;
            case BAD_REQUEST -> 400;
            case UNAUTHORIZED -> 401;
        };
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().toString(), headers, body, at, status));
        long gateUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (gate > 0 && maxInFlight.get() < gate && System.nanoTime() < gateUntil)
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        int delay =
                delayMillis + (delayUpToMillis > 0 ? ThreadLocalRandom.current().nextInt(delayUpToMillis + 1) : 0);
        if (delay > 0) LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(delay));
        if (m == Mode.RATE_LIMITED)
            ex.getResponseHeaders().add("Retry-After", Integer.toString(retryAfterSeconds.get()));
        byte[] out = (status == 200 ? okBody : "{\"code\": 21211, \"message\": \"error " + status + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        // before the answer leaves: the client may send its next request the moment it has the answer
        inFlight.decrementAndGet();
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
