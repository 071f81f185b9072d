import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** The local HTTP server the probe benchmark polls: {"status":"ok"} on every path; prints its port, counts hits. */
public class BenchServer {
    public static void main(String[] args) throws Exception {
        AtomicLong hits = new AtomicLong();
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        s.setExecutor(Executors.newFixedThreadPool(4));
        byte[] body = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
        s.createContext("/", ex -> {
            hits.incrementAndGet();
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        s.createContext("/hits", ex -> {
            byte[] b = Long.toString(hits.get()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        s.start();
        System.out.println(s.getAddress().getPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
