package io.opsrouter.probe;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** {@code tcp} monitors: a connection within the timeout. */
public final class TcpProber implements Prober {
    private final Executor workers;

    public TcpProber(Executor workers) {
        this.workers = workers;
    }

    @Override
    public CompletableFuture<Observation> probe(Monitor m) {
        return CompletableFuture.supplyAsync(() -> run(m), workers);
    }

    Observation run(Monitor m) {
        long start = System.nanoTime();
        Monitor.Endpoint e = m.endpoint();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(e.host(), e.port()), (int)
                    Math.max(1, m.timeout().toMillis()));
            return Observation.values(HttpProber.since(start), Map.of());
        } catch (java.net.SocketTimeoutException ex) {
            return Observation.failed(
                    HttpProber.since(start),
                    "connect to " + e.host() + ":" + e.port() + " timed out after "
                            + io.opsrouter.config.Durations.format(m.timeout()));
        } catch (Exception ex) {
            return Observation.failed(
                    HttpProber.since(start),
                    "connect to " + e.host() + ":" + e.port() + " failed: " + HttpProber.describe(ex, m.timeout()));
        }
    }
}
