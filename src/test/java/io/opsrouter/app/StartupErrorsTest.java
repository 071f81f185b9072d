package io.opsrouter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.testing.RouterHarness;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each error that stops start-up is one line naming the file or setting and the fix, and nothing is left running. */
class StartupErrorsTest {
    @TempDir
    Path home;

    @Test
    void brokenRouteFileIsNamedWithItsLineAndNothingListens() {
        RouterHarness router = RouterHarness.shipped(home).writeFile("routes/broken.yaml", """
                - route:
                    id: broken
                    from:
                      uri: timer:tick
                      steps:
                        - lgo:
                            message: typo in the step name
                """);
        assertThatThrownBy(router::start)
                .isInstanceOf(StartupException.class)
                .hasMessage("route file routes/broken.yaml:6: Unknown node id: lgo");
        assertNothingListensOn(router.port());
    }

    @Test
    void yamlSyntaxErrorIsNamedWithItsLine() {
        RouterHarness router =
                RouterHarness.shipped(home).writeFile("routes/broken.yaml", "- route:\n    id: x\n    from: [oops\n");
        assertThatThrownBy(router::start)
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("route file routes/broken.yaml:3: ")
                .hasMessageContaining("expected ',' or ']'");
    }

    @Test
    void badNumberInTheSettingsFileNamesTheFileAndKey() {
        RouterHarness router = RouterHarness.shipped(home);
        router.writeFile("config/application.properties", "router.db.pool-size = many\n");
        assertThatThrownBy(router::start)
                .isInstanceOf(StartupException.class)
                .hasMessage(
                        "config/application.properties: router.db.pool-size: 'many' is not a whole number from 1 to 200"
                                + " (fix: set it to a number from 1 to 200)");
    }

    @Test
    void badLogFormatFromTheEnvironmentNamesTheVariable() {
        RouterHarness router = RouterHarness.shipped(home).env("ROUTER_LOG_FORMAT", "xml");
        assertThatThrownBy(router::start)
                .hasMessage("environment: ROUTER_LOG_FORMAT: 'xml' is not a log format (fix: use text or json)");
    }

    @Test
    void secretWrittenInTheSettingsFileIsRefused() {
        RouterHarness router = RouterHarness.shipped(home);
        router.writeFile("config/application.properties", "router.db.password = hunter2\n");
        assertThatThrownBy(router::start)
                .hasMessageStartingWith("config/application.properties: router.db.password: holds a secret in the file")
                .hasMessageContaining("ROUTER_DB_PASSWORD")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void unknownDatabaseUrlNamesTheVariable() {
        RouterHarness router = RouterHarness.shipped(home).env("ROUTER_DB_URL", "jdbc:mysql://db/router");
        assertThatThrownBy(router::start)
                .hasMessageStartingWith(
                        "environment: ROUTER_DB_URL: 'jdbc:mysql://db/router' is neither a PostgreSQL nor an H2 JDBC URL");
    }

    @Test
    void portInUseNamesTheSettingAndTheFix() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            RouterHarness router =
                    RouterHarness.shipped(home).setting("router.http.port", Integer.toString(taken.getLocalPort()));
            assertThatThrownBy(router::start)
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("router.http.port: port " + taken.getLocalPort() + " is in use")
                    .hasMessageContaining("set ROUTER_HTTP_PORT to a free port");
        }
    }

    @Test
    void aPortTakenWhileTheRouterStartsStopsStartUpToo() throws Exception {
        int port = RouterHarness.freePort();
        ServerSocket[] taken = new ServerSocket[1];
        // after the port check, before Camel binds: what another process could do at that moment
        RouterModule taker = new RouterModule() {
            @Override
            public String name() {
                return "taker";
            }

            @Override
            public void configure(RouterContext ctx, Beans beans) throws Exception {
                taken[0] = new ServerSocket(port);
            }
        };
        try {
            RouterHarness router = RouterHarness.shipped(home)
                    .setting("router.http.port", Integer.toString(port))
                    .modules(List.of(taker));
            assertThatThrownBy(router::start)
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("router.http.port: port " + port
                            + " is in use (taken while the router started: its HTTP server could not listen)")
                    .hasMessageContaining("set ROUTER_HTTP_PORT to a free port");
        } finally {
            if (taken[0] != null) taken[0].close();
        }
    }

    @Test
    void missingRoutesFolderSaysWhereToRunFrom() {
        RouterHarness router = RouterHarness.shipped(home).env("ROUTER_ROUTES_DIR", "nowhere");
        assertThatThrownBy(router::start)
                .hasMessageContaining("the routes folder")
                .hasMessageContaining("does not exist");
    }

    @Test
    void errorMessagesAreOneLine() {
        RouterHarness router =
                RouterHarness.shipped(home).writeFile("routes/broken.yaml", "- route:\n    id: x\n    from: [oops\n");
        assertThatThrownBy(router::start)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private static void assertNothingListensOn(int port) {
        HttpClient client = HttpClient.newHttpClient();
        assertThatThrownBy(() -> client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.net.ConnectException.class);
    }
}
