package io.opsrouter.notify.channel;

import io.opsrouter.notify.ChannelException;
import io.opsrouter.notify.DispatchSettings;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;

/**
 * POSTs for the HTTP channels (Slack, Twilio, webhooks) without blocking a thread per request: many requests of one
 * channel are in flight at once, each bounded by the connect timeout and by the send timeout over the whole exchange;
 * no automatic retries (the outbox retries) and no redirects; non-2xx answers and I/O failures become
 * {@link ChannelException}s.
 *
 * <p>The client is Vert.x's (Netty), on an event loop of its own, so a receiver that hangs or floods cannot slow the
 * router's HTTP doors; answers are handed to a pool of their own ({@code notify-http-N}), never run on that loop. It
 * replaced the JDK's {@code HttpClient}, which spent 1.2 s of CPU on 5,000 webhook sends in bench/delivery (its
 * selector, its executor and its futures: a fifth of the router's CPU) and kept an idle connection for 20 minutes.
 * Idle connections close after {@link #KEEP_ALIVE_SECONDS}. Secret URLs (a Slack webhook) are never made into Camel
 * endpoint URIs that could appear in a log.
 */
public final class HttpPost implements AutoCloseable {
    /**
     * Connections per receiver at most: the largest in-flight window a channel may be given, so a slow receiver's
     * sends never queue for a connection whatever NOTIFY_IN_FLIGHT says (connections open only as sends need them).
     */
    static final int CONNECTIONS_PER_HOST = DispatchSettings.MAX_IN_FLIGHT;

    static final int KEEP_ALIVE_SECONDS = 30;

    /** Tries again on another connection when one is found closed before the receiver answered (see send). */
    static final int CLOSED_RETRIES = 3;

    private final Duration timeout;
    private final ExecutorService completions;
    private Vertx vertx;
    private Context loop;
    private HttpClient client;
    private boolean closed;

    public HttpPost(Duration timeout) {
        this.timeout = timeout;
        AtomicInteger n = new AtomicInteger();
        this.completions = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "notify-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the client now rather than on the first send, which would otherwise wait for Vert.x and Netty to start
     * (a few hundred milliseconds on a busy machine: the first page after start-up). Returns this.
     */
    public synchronized HttpPost start() {
        if (client == null && !closed) startClient();
        return this;
    }

    /** Sends; completes with the response body for a 2xx, or exceptionally with a {@link ChannelException}. */
    public CompletableFuture<String> postAsync(String url, Map<String, String> headers, String body) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return badRequest(e.getMessage(), e);
        }
        return postAsync(uri, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    /** The same with the body already UTF-8 bytes, to a URI parsed once by the caller. */
    public CompletableFuture<String> postAsync(URI uri, Map<String, String> headers, byte[] body) {
        return exchange(HttpMethod.POST, uri, headers, Buffer.buffer(body));
    }

    /** A GET; completes with the response body for a 2xx, or exceptionally with a {@link ChannelException}. */
    public CompletableFuture<String> getAsync(URI uri, Map<String, String> headers) {
        return exchange(HttpMethod.GET, uri, headers, null);
    }

    private CompletableFuture<String> exchange(HttpMethod method, URI uri, Map<String, String> headers, Buffer body) {
        String scheme = uri.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || uri.getHost() == null)
            return badRequest("not an http(s) URL with a host", null);
        long millis = Math.max(1, timeout.toMillis());
        RequestOptions options;
        try {
            options = new RequestOptions()
                    .setMethod(method)
                    .setAbsoluteURI(uri.toString())
                    .setFollowRedirects(false)
                    .setConnectTimeout(millis);
            headers.forEach(options::putHeader);
        } catch (RuntimeException e) {
            return badRequest(e.getMessage(), e);
        }
        HttpClient http;
        Vertx timers;
        Context on;
        synchronized (this) {
            if (closed)
                return CompletableFuture.failedFuture(
                        ChannelException.retryable("closed", "the router is stopping", null));
            if (client == null) startClient();
            http = client;
            timers = vertx;
            on = loop;
        }
        CompletableFuture<String> answer = new CompletableFuture<>();
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        long timer = timers.setTimer(millis, id -> {
            TimeoutException late = new TimeoutException("no complete answer within " + millis + " ms");
            HttpClientRequest r = sent.get();
            if (r != null) r.reset(0, late);
            completions.execute(() -> answer.completeExceptionally(classify(late)));
        });
        // every request from the one context: requests begun from other threads, each on a context of its own,
        // now and then never completed (1 in about 3,000 sequential requests, in Vert.x 4.5.24)
        on.runOnContext(go -> send(http, options, body, sent, CLOSED_RETRIES + 1)
                .onComplete(result -> {
                    timers.cancelTimer(timer);
                    completions.execute(() -> settle(answer, result));
                }));
        return answer;
    }

    /**
     * One exchange; when the connection closes before the receiver answered, the request goes again on another, up
     * to {@link #CLOSED_RETRIES} times, as the JDK's client and Go's do: a server that closes an idle connection
     * races the next request put on it (the JDK's own HTTP server closes each idle connection beyond 200 the moment
     * it has answered). A receiver that read the request and then closed without answering gets it again, as it
     * would from the outbox's retry.
     */
    private static io.vertx.core.Future<Answer> send(
            HttpClient http,
            RequestOptions options,
            Buffer body,
            AtomicReference<HttpClientRequest> sent,
            int attemptsLeft) {
        AtomicBoolean answering = new AtomicBoolean();
        io.vertx.core.Future<Answer> once = http.request(options)
                .compose(r -> {
                    sent.set(r);
                    return body == null ? r.send() : r.send(body);
                })
                .compose(response -> {
                    answering.set(true);
                    return response.body()
                            .map(b -> new Answer(
                                    response.statusCode(),
                                    response.getHeader("Retry-After"),
                                    b.toString(StandardCharsets.UTF_8)));
                });
        if (attemptsLeft <= 1) return once;
        // only when no answer had begun: a receiver that began to answer has the request
        return once.recover(e -> e instanceof HttpClosedException && !answering.get()
                ? send(http, options, body, sent, attemptsLeft - 1)
                : io.vertx.core.Future.failedFuture(e));
    }

    private record Answer(int status, String retryAfter, String body) {}

    private static void settle(CompletableFuture<String> answer, AsyncResult<Answer> result) {
        if (result.failed()) {
            answer.completeExceptionally(classify(result.cause()));
            return;
        }
        Answer a = result.result();
        if (a.status() >= 200 && a.status() < 300) answer.complete(a.body());
        else answer.completeExceptionally(ChannelException.forHttpStatus(a.status(), a.retryAfter(), a.body()));
    }

    private void startClient() {
        vertx = Vertx.vertx(
                new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        loop = vertx.getOrCreateContext();
        client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setProtocolVersion(HttpVersion.HTTP_1_1)
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                        .setKeepAlive(true)
                        .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
                        .setVerifyHost(true),
                new PoolOptions().setHttp1MaxSize(CONNECTIONS_PER_HOST).setMaxWaitQueueSize(-1));
    }

    private static CompletableFuture<String> badRequest(String why, Throwable e) {
        return CompletableFuture.failedFuture(
                ChannelException.permanent("bad_request", "cannot build the request: " + why, e));
    }

    /** Sends and waits: the response body for a 2xx; throws for anything else. */
    public String post(String url, Map<String, String> headers, String body) throws ChannelException {
        return await(postAsync(url, headers, body));
    }

    /** Waits for a send begun with one of the async methods, unwrapping its {@link ChannelException}. */
    public static <T> T await(CompletionStage<T> sending) throws ChannelException {
        try {
            return sending.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ChannelException.retryable("interrupted", "interrupted while sending", e);
        } catch (ExecutionException e) {
            Throwable t = unwrap(e);
            if (t instanceof ChannelException c) throw c;
            throw classify(t);
        }
    }

    /** The failure inside a CompletionException or ExecutionException. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null)
            t = t.getCause();
        return t;
    }

    public static ChannelException classify(Throwable e) {
        if (e instanceof ChannelException c) return c;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException
                    || t instanceof HttpTimeoutException
                    || t instanceof SocketTimeoutException
                    || t instanceof InterruptedIOException) {
                return ChannelException.retryable("timeout", "timed out: " + t.getMessage(), e);
            }
            if (t instanceof ConnectException)
                return ChannelException.retryable("connect", "cannot connect: " + t.getMessage(), e);
            if (t instanceof UnknownHostException)
                return ChannelException.retryable("dns", "unknown host: " + t.getMessage(), e);
            if (t instanceof SSLException)
                return ChannelException.retryable("tls", "TLS with the receiver failed: " + t.getMessage(), e);
            if (t.getCause() == t) break;
        }
        return ChannelException.retryable("io", e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        Vertx v;
        synchronized (this) {
            closed = true;
            v = vertx;
        }
        if (v != null) {
            try {
                v.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // stopping anyway: the loop's threads end with the process
            }
        }
        completions.shutdownNow();
    }
}
