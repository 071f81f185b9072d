package io.opsrouter.probe;

import io.opsrouter.config.Durations;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code http} monitors, with the JDK's HttpClient: asynchronous (a slow endpoint holds no thread), a timeout per
 * request, a shared connection pool, and a body read through {@link BoundedBody} so only a prefix is kept.
 */
public final class HttpProber implements Prober {
    public static final int DEFAULT_BODY_LIMIT = 64 * 1024;

    private final int bodyLimit;
    private final ExecutorService executor;
    private final HttpClient following;
    private final HttpClient notFollowing;

    public HttpProber(int bodyLimit) {
        this.bodyLimit = bodyLimit;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "probe-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.following = client(HttpClient.Redirect.NORMAL);
        this.notFollowing = client(HttpClient.Redirect.NEVER);
    }

    private HttpClient client(HttpClient.Redirect redirect) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(redirect)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(executor)
                .build();
    }

    @Override
    public CompletableFuture<Observation> probe(Monitor m) {
        Monitor.Http h = m.http();
        long start = System.nanoTime();
        HttpRequest.Builder req = HttpRequest.newBuilder(h.url()).timeout(m.timeout());
        h.headers().forEach(req::header);
        if (!h.headers().containsKey("User-Agent")) req.header("User-Agent", "ops-router-probe");
        req.method(
                h.method(),
                h.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(h.body()));
        CompletableFuture<Observation> f;
        try {
            f = (h.followRedirects() ? following : notFollowing)
                    .sendAsync(req.build(), BoundedBody.handler(bodyLimit))
                    .thenApply(r -> new Observation(
                            since(start),
                            r.statusCode(),
                            new String(r.body().bytes(), StandardCharsets.UTF_8),
                            r.body().truncated(),
                            null,
                            null));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Observation.failed(since(start), describe(e, m.timeout())));
        }
        return f.orTimeout(m.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .exceptionally(e -> Observation.failed(since(start), describe(e, m.timeout())));
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    static String describe(Throwable e, Duration timeout) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof HttpConnectTimeoutException) return "connect timed out";
        if (t instanceof HttpTimeoutException || t instanceof TimeoutException)
            return "timed out after " + Durations.format(timeout);
        if (t instanceof ConnectException) return "connection refused";
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (root instanceof ConnectException) return "connection refused";
        if (root instanceof java.net.UnknownHostException) return "unknown host " + root.getMessage();
        String msg = root.getMessage() == null
                ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
        return msg.replaceAll("\\s+", " ");
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
