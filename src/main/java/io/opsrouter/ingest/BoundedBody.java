package io.opsrouter.ingest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Exchange;

/**
 * Reads a request body as raw bytes, refusing it (413) as soon as it passes the limit: a declared
 * {@code Content-Length} over the limit is refused before a byte is read, and a chunked body is counted while
 * it arrives, never buffered past the limit. The ingest routes use {@code useBodyHandler=false}, so the body
 * Camel hands over is the paused Vert.x request, read here.
 */
public final class BoundedBody {
    public static final String RAW = "ingestRawBody";
    static final String REQUEST = "ingestRequest";
    /** A refused body up to this many times the limit is drained so the sender reads the answer; a bigger one closes. */
    private static final long DRAIN_FACTOR = 16;

    private static final long PERMIT_WAIT_MILLIS = 1000;

    private final int maxBytes;
    private final Duration timeout;
    private final Semaphore reads;

    /**
     * @param concurrentReads how many bodies may be arriving at once: each holds one of Vert.x's worker threads
     *                        (shared by every HTTP route) until its last byte, so slow senders must not take them all
     */
    public BoundedBody(int maxBytes, Duration timeout, int concurrentReads) {
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.reads = new Semaphore(concurrentReads);
    }

    /** Reads the body into the exchange property {@link #RAW} and returns it. */
    public byte[] read(Exchange exchange) {
        byte[] raw = exchange.getProperty(RAW, byte[].class);
        if (raw != null) return raw;
        Object body = exchange.getMessage().getBody();
        if (body instanceof HttpServerRequest request) {
            exchange.setProperty(REQUEST, request);
            raw = fromVertx(request);
        } else if (body instanceof byte[] bytes) raw = checked(bytes);
        else if (body instanceof String s) raw = checked(s.getBytes(StandardCharsets.UTF_8));
        else if (body instanceof InputStream in) raw = fromStream(in);
        else if (body == null) raw = new byte[0];
        else raw = checked(exchange.getContext().getTypeConverter().convertTo(byte[].class, exchange, body));
        exchange.setProperty(RAW, raw);
        return raw;
    }

    private byte[] fromVertx(HttpServerRequest request) {
        String declared = request.getHeader("Content-Length");
        int initial = 4096;
        if (declared != null) {
            long n;
            try {
                n = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw IngestRefusal.invalid("Content-Length", "Content-Length is not a number");
            }
            if (n > maxBytes) throw tooLarge();
            initial = (int) Math.max(0, n);
        }
        if (request.isEnded()) return new byte[0];
        try {
            if (!reads.tryAcquire(PERMIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) throw IngestRefusal.busy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IngestRefusal.busy();
        }
        try {
            return receive(request, initial);
        } finally {
            reads.release();
        }
    }

    private byte[] receive(HttpServerRequest request, int initial) {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        Buffer buffer = Buffer.buffer(initial);
        request.handler(chunk -> {
            if (done.isDone()) return; // refused already: let the rest drain without keeping it
            if (buffer.length() + chunk.length() > maxBytes) {
                done.completeExceptionally(tooLarge());
            } else {
                buffer.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(done::completeExceptionally);
        request.endHandler(v -> done.complete(buffer.getBytes()));
        request.resume();
        try {
            return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            done.cancel(false); // what still arrives is dropped
            throw new IngestRefusal(
                    408, "timeout", "the request body did not arrive within " + timeout.toSeconds() + "s", "body");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IngestRefusal r) throw r;
            throw new IngestRefusal(400, "unreadable", "the request body could not be read", "body");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestRefusal(400, "unreadable", "the request body could not be read", "body");
        }
    }

    /**
     * After a refusal: a body not read yet is let in and dropped as it comes, so a sender still writing gets to
     * read the answer on the same connection; nothing of it is kept. A body declared bigger than
     * {@value #DRAIN_FACTOR} times the limit is not read at all (returns false: close after the answer), and one
     * of unknown length (chunked) that passes that size while draining has its connection closed.
     */
    boolean settle(Exchange exchange) {
        HttpServerRequest request = request(exchange);
        if (request == null || request.isEnded()) return true;
        long cap = DRAIN_FACTOR * maxBytes;
        String declared = request.getHeader("Content-Length");
        try {
            if (declared != null && Long.parseLong(declared.trim()) > cap) return false;
        } catch (NumberFormatException e) {
            return false;
        }
        long[] drained = {0};
        request.handler(chunk -> {
            drained[0] += chunk.length();
            if (drained[0] > cap) request.connection().close();
        });
        request.exceptionHandler(e -> {});
        request.resume();
        return true;
    }

    /**
     * Asks Vert.x to close the connection once the answer is written (Camel's header filter drops a
     * {@code Connection} header set on the message, so it goes on the Vert.x response itself).
     */
    static void closeAfterAnswer(Exchange exchange) {
        HttpServerRequest request = request(exchange);
        if (request == null || request.response().headWritten()) return;
        request.response().putHeader("Connection", "close");
        // a request whose body was left unread keeps the connection otherwise
        request.response().endHandler(v -> request.connection().close());
    }

    private static HttpServerRequest request(Exchange exchange) {
        HttpServerRequest request = exchange.getProperty(REQUEST, HttpServerRequest.class);
        if (request == null && exchange.getIn().getBody() instanceof HttpServerRequest r) request = r;
        return request;
    }

    private byte[] fromStream(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                if (out.size() + n > maxBytes) throw tooLarge();
                out.write(chunk, 0, n);
            }
        } catch (IOException e) {
            throw new IngestRefusal(400, "unreadable", "the request body could not be read", "body");
        }
        return out.toByteArray();
    }

    private byte[] checked(byte[] bytes) {
        if (bytes == null) return new byte[0];
        if (bytes.length > maxBytes) throw tooLarge();
        return bytes;
    }

    private IngestRefusal tooLarge() {
        return IngestRefusal.tooLarge(
                "body", "the request body is larger than " + maxBytes + " bytes (" + IngestSettings.MAX_BODY + ")");
    }
}
