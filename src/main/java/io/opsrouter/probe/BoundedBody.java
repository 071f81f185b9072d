package io.opsrouter.probe;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Keeps the first {@code limit} bytes of a response body and then cancels the rest, so that a huge or endless
 * body costs at most {@code limit} bytes of memory and never blocks a thread.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<BoundedBody.Prefix> {
    record Prefix(byte[] bytes, boolean truncated) {}

    private final int limit;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<Prefix> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private boolean truncated;

    BoundedBody(int limit) {
        this.limit = limit;
    }

    static HttpResponse.BodyHandler<Prefix> handler(int limit) {
        return info -> new BoundedBody(limit);
    }

    @Override
    public CompletionStage<Prefix> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) return;
        for (ByteBuffer b : items) {
            int room = limit - out.size();
            int n = Math.min(room, b.remaining());
            if (n > 0) {
                byte[] chunk = new byte[n];
                b.get(chunk);
                out.write(chunk, 0, n);
            }
            if (b.hasRemaining()) {
                truncated = true;
                break;
            }
        }
        if (truncated) {
            result.complete(new Prefix(out.toByteArray(), true));
            subscription.cancel();
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(new Prefix(out.toByteArray(), truncated));
    }
}
