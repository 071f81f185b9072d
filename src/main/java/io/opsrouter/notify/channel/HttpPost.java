package io.opsrouter.notify.channel;

import io.opsrouter.notify.ChannelException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * POSTs for the HTTP channels (Slack, Twilio, webhooks) without blocking a thread per request: many requests of one
 * channel are in flight at once, each bounded by the connect and request timeouts; no automatic retries (the outbox
 * retries) and no redirects; non-2xx answers and I/O failures become {@link ChannelException}s.
 *
 * <p>The client is the JDK's {@link HttpClient} ({@code sendAsync}): it is non-blocking, has a timeout per request
 * that covers the whole exchange, and needs no dependency; Apache httpclient5's async client would need its reactor
 * tuned and closed per client and gives nothing more here. Secret URLs (a Slack webhook) are never made into Camel
 * endpoint URIs that could appear in a log.
 */
public final class HttpPost implements AutoCloseable {
    private final Duration timeout;
    private final ExecutorService completions;
    private final HttpClient client;

    public HttpPost(Duration timeout) {
        this.timeout = timeout;
        AtomicInteger n = new AtomicInteger();
        this.completions = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "notify-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(completions)
                .build();
    }

    /** Sends; completes with the response body for a 2xx, or exceptionally with a {@link ChannelException}. */
    public CompletableFuture<String> postAsync(String url, Map<String, String> headers, String body) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(
                    ChannelException.permanent("bad_request", "cannot build the request: " + e.getMessage(), e));
        }
        return postAsync(uri, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    /** The same with the body already UTF-8 bytes, to a URI parsed once by the caller. */
    public CompletableFuture<String> postAsync(URI uri, Map<String, String> headers, byte[] body) {
        HttpRequest request;
        try {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(uri).timeout(timeout).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(b::header);
            request = b.build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(
                    ChannelException.permanent("bad_request", "cannot build the request: " + e.getMessage(), e));
        }
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .handle((response, failure) -> {
                    if (failure != null) throw new CompletionException(classify(unwrap(failure)));
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) return response.body();
                    throw new CompletionException(ChannelException.forHttpStatus(
                            status, response.headers().firstValue("Retry-After").orElse(null), response.body()));
                });
    }

    /** A GET; completes with the response body for a 2xx, or exceptionally with a {@link ChannelException}. */
    public CompletableFuture<String> getAsync(URI uri, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        headers.forEach(b::header);
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .handle((response, failure) -> {
                    if (failure != null) throw new CompletionException(classify(unwrap(failure)));
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) return response.body();
                    throw new CompletionException(ChannelException.forHttpStatus(
                            status, response.headers().firstValue("Retry-After").orElse(null), response.body()));
                });
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
            if (t instanceof HttpTimeoutException
                    || t instanceof SocketTimeoutException
                    || t instanceof InterruptedIOException) {
                return ChannelException.retryable("timeout", "timed out: " + t.getMessage(), e);
            }
            if (t instanceof ConnectException)
                return ChannelException.retryable("connect", "cannot connect: " + t.getMessage(), e);
            if (t instanceof UnknownHostException)
                return ChannelException.retryable("dns", "unknown host: " + t.getMessage(), e);
            if (t.getCause() == t) break;
        }
        return ChannelException.retryable("io", e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        completions.shutdownNow();
    }
}
