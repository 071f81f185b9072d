package io.opsrouter.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.app.CoreModule;
import io.opsrouter.testing.RouterHarness;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle, half-sent and stalled connections are closed by the router, over real sockets, and a flood of idle
 * connections neither exhausts the server nor keeps {@code /health} from answering.
 */
class ConnectionBoundsTest {
    static final String API_TOKEN = "connection-test-api-token";

    @TempDir
    Path home;

    RouterHarness router;
    final List<Socket> sockets = new ArrayList<>();

    RouterHarness start(String idle, String request, int max, int reserved) {
        router = RouterHarness.empty(home)
                .withShippedRoutes("http.yaml")
                .writeFile("routes/echo.yaml", """
                        - route:
                            id: echo
                            from:
                              uri: platform-http:/echo
                              parameters:
                                httpMethodRestrict: POST
                              steps:
                                - setBody:
                                    simple: "${body}"
                        """)
                .onlyModules(List.of(new CoreModule()))
                .env("ROUTER_API_TOKEN", API_TOKEN)
                .setting(ConnectionSettings.IDLE_TIMEOUT, idle)
                .setting(ConnectionSettings.REQUEST_TIMEOUT, request)
                .setting(ConnectionSettings.MAX_CONNECTIONS, Integer.toString(max))
                .setting(ConnectionSettings.RESERVED_CONNECTIONS, Integer.toString(reserved));
        return router.start();
    }

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) s.close();
        if (router != null) router.close();
    }

    Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", router.port());
        s.setSoTimeout(1);
        sockets.add(s);
        return s;
    }

    static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** True once the server has closed the connection (end of stream or reset); reads and drops what it answered. */
    static boolean closedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (true) {
                int n = in.read(buf);
                if (n < 0) return true;
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    static String readAnswer(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().contains("\r\n\r\n") || !complete(sb.toString())) {
            int c = in.read();
            if (c < 0) break;
            sb.append((char) c);
        }
        s.setSoTimeout(1);
        return sb.toString();
    }

    private static boolean complete(String answer) {
        int head = answer.indexOf("\r\n\r\n");
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(answer.substring(0, head));
        if (m.find()) return answer.length() - head - 4 >= Integer.parseInt(m.group(1));
        return answer.endsWith("\r\n0\r\n\r\n");
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws IOException {
        start("1s", "2s", 1000, 100);
        Socket s = connect();
        await().atMost(Duration.ofSeconds(20)).until(() -> closedByServer(s));
    }

    @Test
    void aKeepAliveConnectionIsClosedOnceIdleAfterItsAnswer() throws IOException {
        start("1s", "2s", 1000, 100);
        Socket s = connect();
        send(s, "GET /health HTTP/1.1\r\nHost: router\r\n\r\n");
        assertThat(readAnswer(s)).startsWith("HTTP/1.1 200");
        send(s, "GET /health HTTP/1.1\r\nHost: router\r\n\r\n");
        assertThat(readAnswer(s)).as("still open for the next request").startsWith("HTTP/1.1 200");
        await().atMost(Duration.ofSeconds(20)).until(() -> closedByServer(s));
    }

    @Test
    void aHalfSentRequestLineIsClosed() throws IOException {
        start("1s", "2s", 1000, 100);
        Socket s = connect();
        send(s, "GET /hea");
        await().atMost(Duration.ofSeconds(20)).until(() -> closedByServer(s));
    }

    @Test
    void headersThatNeverEndAreClosed() throws IOException {
        start("1s", "2s", 1000, 100);
        Socket s = connect();
        send(s, "GET /health HTTP/1.1\r\nHost: router\r\nX-Slow: ");
        await().atMost(Duration.ofSeconds(20)).until(() -> closedByServer(s));
    }

    @Test
    void aBodyThatNeverArrivesIsClosed() throws IOException {
        start("1s", "2s", 1000, 100);
        Socket s = connect();
        send(
                s,
                "POST /echo HTTP/1.1\r\nHost: router\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nonly a part");
        await().atMost(Duration.ofSeconds(20)).until(() -> closedByServer(s));
    }

    @Test
    void aBodyTrickledByteByByteIsClosedAtTheRequestTimeout() throws Exception {
        start("1s", "2s", 1000, 100);
        Socket s = connect();
        send(s, "POST /echo HTTP/1.1\r\nHost: router\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n");
        // one byte every 200 ms keeps an idle timer from ever firing; only the request's own time limit ends it
        boolean closed = false;
        for (int i = 0; i < 1000 && !closed; i++) {
            try {
                send(s, "x");
            } catch (IOException e) {
                closed = true;
            }
            closed = closed || closedByServer(s);
            if (!closed) Thread.sleep(200);
        }
        assertThat(closed).as("closed before the whole body was sent").isTrue();
    }

    @Test
    void aRequestWhoseBodyArrivesInTimeIsAnswered() throws IOException {
        start("1s", "2s", 1000, 100);
        Socket s = connect();
        send(s, "POST /echo HTTP/1.1\r\nHost: router\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(readAnswer(s)).startsWith("HTTP/1.1 200").contains("hello");
    }

    @Test
    void aFloodOfIdleConnectionsIsCappedAndHealthStillAnswers() throws IOException {
        // cap 100, the last 20 kept for /health and valid tokens; idle connections would be held a minute
        start("60s", "60s", 100, 20);
        List<Socket> flood = new ArrayList<>();
        for (int i = 0; i < 300; i++) flood.add(connect());

        // at the cap each newcomer closes the idlest of the reserved room, whose idle ones close after a second; 80
        // held
        await().atMost(Duration.ofSeconds(30))
                .until(() -> flood.stream()
                                .filter(ConnectionBoundsTest::closedByServer)
                                .count()
                        >= 220);
        long held = flood.stream().filter(s -> !closedByServer(s)).count();
        assertThat(held).isEqualTo(80);

        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> health =
                RouterHarness.send(client, HttpRequest.newBuilder(URI.create(router.baseUrl() + "/health")));
        assertThat(health.statusCode()).isEqualTo(200);
        HttpResponse<String> withToken = RouterHarness.send(
                HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create(router.baseUrl() + "/echo"))
                        .header("Authorization", "Bearer " + API_TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString("paging")));
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withToken.body()).isEqualTo("paging");

        Socket anonymous = connect();
        send(anonymous, "POST /echo HTTP/1.1\r\nHost: router\r\nContent-Length: 2\r\n\r\nhi");
        assertThat(readAnswer(anonymous)).startsWith("HTTP/1.1 503");
        await().atMost(Duration.ofSeconds(10)).until(() -> closedByServer(anonymous));
        assertThat(flood.stream().filter(s -> !closedByServer(s)).count())
                .as("the flood's held connections are untouched")
                .isEqualTo(80);
    }
}
