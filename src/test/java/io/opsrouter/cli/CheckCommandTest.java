package io.opsrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.opsrouter.app.Json;
import io.opsrouter.config.Env;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckCommandTest {
    @TempDir
    Path home;

    private HttpServer server;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok", ex -> {
            byte[] b = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.createContext("/fail", ex -> {
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        server.start();
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/monitors.yaml"), """
                monitors:
                  - id: site
                    kind: http
                    url: ${BASE}/ok
                    timeout: 2s
                    conditions: [status == 200, body.$.status == "ok"]
                  - id: api
                    kind: http
                    url: ${BASE}/${API_PATH:-ok}
                    timeout: 2s
                    conditions: [status == 200]
                  - id: emergency
                    kind: http
                    url: ${BASE}/${EMERGENCY_PATH:-ok}
                    timeout: 2s
                    severity: P1
                    conditions: [status == 200]
                  - id: payments
                    kind: http
                    url: ${PAYMENTS_URL}
                """);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int check(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("BASE", "http://127.0.0.1:" + server.getAddress().getPort());
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = home.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return new CommandLine(new CheckCommand(new Env(env), new PrintStream(out, true), new PrintStream(err, true)))
                .execute(all);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void allPassingExitsZeroAndPrintsTheTable() {
        assertThat(check(Map.of())).isZero();
        String table = output();
        assertThat(table.lines().findFirst())
                .hasValueSatisfying(h -> assertThat(h).matches("MONITOR\\s+STATUS\\s+LATENCY\\s+VALUE\\s+DETAIL"));
        assertThat(table)
                .containsPattern("site\\s+ok\\s+\\d+ms\\s+200\\s+ok")
                .containsPattern("payments\\s+disabled\\s+-\\s+-\\s+set PAYMENTS_URL to enable");
    }

    @Test
    void aFailingMonitorWithoutSeverityExitsOneAndAP1FailureExitsTwo() {
        assertThat(check(Map.of("API_PATH", "fail"))).isEqualTo(1);
        assertThat(output()).containsPattern("api\\s+FAIL P2\\s+\\d+ms\\s+503\\s+status == 200 \\(got 503\\)");
        out.reset();
        assertThat(check(Map.of("API_PATH", "fail", "EMERGENCY_PATH", "fail"))).isEqualTo(2);
        assertThat(output()).containsPattern("emergency\\s+FAIL P1");
    }

    @Test
    void onlyPicksMonitorsAndDetailedShowsEachCondition() {
        assertThat(check(Map.of("EMERGENCY_PATH", "fail"), "--only", "site,api", "--detailed"))
                .isZero();
        String table = output();
        assertThat(table).doesNotContain("emergency").doesNotContain("payments");
        assertThat(table)
                .contains("    pass status == 200  (got 200)")
                .contains("    pass body.$.status == \"ok\"  (got \"ok\")");
        assertThat(check(Map.of(), "--only", "nope")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("no monitor named nope")
                .contains("known: site, api, emergency, payments");
    }

    @Test
    void jsonOutputCarriesEveryMonitorAndTheExitCode() throws Exception {
        assertThat(check(Map.of("EMERGENCY_PATH", "fail"), "--json")).isEqualTo(2);
        JsonNode json = Json.MAPPER.readTree(output());
        assertThat(json.get("exitCode").asInt()).isEqualTo(2);
        assertThat(json.get("monitors")).hasSize(4);
        JsonNode emergency = json.get("monitors").get(2);
        assertThat(emergency.get("status").asText()).isEqualTo("FAIL P1");
        assertThat(emergency
                        .get("result")
                        .get("conditions")
                        .get(0)
                        .get("actual")
                        .asText())
                .isEqualTo("503");
        assertThat(json.get("monitors").get(3).get("disabledReason").asText()).isEqualTo("set PAYMENTS_URL to enable");
    }

    @Test
    void aBadMonitorsFileExitsTwoNamingTheProblem() throws Exception {
        Files.writeString(home.resolve("config/monitors.yaml"), "monitors:\n  - id: x\n    kind: ftp\n");
        assertThat(check(Map.of())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("config/monitors.yaml:3: monitor x: unknown kind 'ftp'");
    }

    @Test
    void aHeartbeatWithABadScheduleExitsTwoNamingTheLine() throws Exception {
        Files.writeString(
                home.resolve("config/monitors.yaml"),
                "monitors:\n  - id: backup-script\n    kind: heartbeat\n    key: ${BACKUP_KEY}\n    period: daily\n");
        assertThat(check(Map.of())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("config/monitors.yaml:5: heartbeat backup-script: period: 'daily' is not a duration");
    }

    @Test
    void theCliDispatchesCheckToTheRealCommand() {
        CommandLine cli = new CommandLine(new OpsRouterCli());
        Object command = cli.getSubcommands().get("check").getCommand();
        assertThat(command).isInstanceOf(CheckCommand.class);
    }
}
