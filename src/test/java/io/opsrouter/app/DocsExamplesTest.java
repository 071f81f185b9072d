package io.opsrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.cli.OpsRouterCli;
import io.opsrouter.testing.RouterHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command and request example in the fenced shell blocks of README.md and docs/*.md is run against a router
 * started here: curl requests through Java's HttpClient, {@code java -jar ops-router.jar ...} through the CLI's main
 * class on the router's home. A request answered 4xx or 5xx, or a command that exits with a usage error, fails the
 * build. A block that cannot run here says so on the line before its fence:
 * {@code <!-- docs-test: not run: REASON -->}; those are listed (and must give a reason).
 */
class DocsExamplesTest {
    private static final String API_TOKEN = "docs-example-api-token-1";
    private static final String WEBHOOK_TOKEN = "docs-example-webhook-token-1";
    private static final Pattern FENCE =
            Pattern.compile("(?:<!-- docs-test: not run: ([^\\n]*?) -->\\s*\\n)?```(\\w*)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern URL = Pattern.compile("https?://[^\\s'\"/]+(/[^\\s'\"]*)?");
    private static final Pattern METHOD = Pattern.compile("-X\\s+([A-Z]+)");
    private static final Pattern HEADER = Pattern.compile("-H\\s+(?:'([^']*)'|\"([^\"]*)\")");
    private static final Pattern BODY = Pattern.compile("(?:-d|--data|--data-binary)\\s+'([^']*)'");
    private static final Pattern JAR = Pattern.compile("java\\s+(?:@\\S+\\s+)?-jar\\s+\\S*ops-router\\.jar\\s*(.*)");

    record Block(String where, String lang, String text, String notRun) {}

    record Example(String where, String command) {}

    @TempDir
    Path home;

    RouterHarness router;

    @AfterEach
    void stop() {
        if (router != null) router.close();
    }

    static List<Block> blocks() throws Exception {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Block> found = new ArrayList<>();
        for (Path f : files) {
            String text = Files.readString(f);
            Matcher m = FENCE.matcher(text);
            while (m.find()) {
                int line = (int) text.substring(0, m.start(2)).lines().count();
                found.add(new Block(f + ":" + line, m.group(2), m.group(3), m.group(1)));
            }
        }
        return found;
    }

    /** The command lines of a shell block: continuations joined, trailing comments dropped. */
    static List<String> commands(Block b) {
        List<String> out = new ArrayList<>();
        for (String l : b.text().replaceAll("\\\\\\n\\s*", " ").split("\\n")) {
            String c = l.replaceAll("\\s{2,}#\\s.*$", "").strip();
            if (c.isEmpty() || c.startsWith("#")) continue;
            out.add(c);
        }
        return out;
    }

    static boolean isShell(Block b) {
        return List.of("sh", "bash", "shell", "console").contains(b.lang());
    }

    static boolean isExample(String command) {
        return command.startsWith("curl ") || JAR.matcher(command).find();
    }

    @Test
    void everyExampleBlockRunsOrSaysWhyNot() throws Exception {
        List<Block> blocks = blocks();
        List<String> notRun = new ArrayList<>();
        for (Block b : blocks) {
            if (b.notRun() != null) {
                assertThat(b.notRun())
                        .as(b.where() + ": the marker needs a reason")
                        .isNotBlank();
                notRun.add(b.where() + ": " + b.notRun());
            }
        }
        System.out.println("examples not run by DocsExamplesTest:\n  " + String.join("\n  ", notRun));
        assertThat(blocks.stream()
                        .filter(DocsExamplesTest::isShell)
                        .filter(b -> b.notRun() == null)
                        .flatMap(b -> commands(b).stream())
                        .filter(DocsExamplesTest::isExample))
                .as("runnable examples")
                .isNotEmpty();
    }

    @Test
    void everyRequestAndCommandExampleIsAnsweredWithoutARefusal() throws Exception {
        router = RouterHarness.shipped(home)
                .env("ROUTER_API_TOKEN", API_TOKEN)
                .env("ROUTER_WEBHOOK_TOKEN", WEBHOOK_TOKEN)
                .start();
        List<Example> requests = new ArrayList<>();
        List<Example> cli = new ArrayList<>();
        for (Block b : blocks()) {
            if (!isShell(b) || b.notRun() != null) continue;
            for (String c : commands(b)) {
                if (c.startsWith("curl ")) requests.add(new Example(b.where(), c));
                else if (JAR.matcher(c).find()) cli.add(new Example(b.where(), c));
            }
        }
        // silences are made before they are listed or ended
        requests.sort((a, b) -> Boolean.compare(!isPost(a.command()), !isPost(b.command())));
        String lastSilence = null;
        for (Example e : requests) {
            HttpResponse<String> r = send(e.command(), lastSilence);
            assertThat(r.statusCode())
                    .as(e.where() + ": " + e.command() + " answered " + r.body())
                    .isBetween(200, 399);
            if (e.command().contains("/api/silences") && isPost(e.command())) {
                Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
                if (id.find()) lastSilence = id.group(1);
            }
        }
        for (Example e : cli) {
            Matcher m = JAR.matcher(e.command());
            assertThat(m.find()).isTrue();
            List<String> args = new ArrayList<>(List.of(m.group(1).strip().split("\\s+")));
            args.removeIf(String::isEmpty);
            if (!args.isEmpty() && !args.contains("--home") && !args.get(0).startsWith("-")) {
                args.add("--home");
                args.add(home.toString());
            }
            int exit = cli(args.toArray(String[]::new));
            assertThat(exit).as(e.where() + ": " + e.command() + " exit code").isZero();
        }
    }

    static boolean isPost(String curl) {
        Matcher m = METHOD.matcher(curl);
        return m.find() ? m.group(1).equals("POST") : BODY.matcher(curl).find();
    }

    HttpResponse<String> send(String curl, String lastSilence) {
        String command = curl.replace("$ROUTER_API_TOKEN", API_TOKEN).replace("$ROUTER_WEBHOOK_TOKEN", WEBHOOK_TOKEN);
        Matcher url = URL.matcher(command);
        assertThat(url.find()).as("a URL in " + curl).isTrue();
        String path = url.group(1) == null ? "/" : url.group(1);
        Matcher m = METHOD.matcher(command);
        Matcher b = BODY.matcher(command);
        String body = b.find() ? b.group(1) : null;
        String method = m.find() ? m.group(1) : body != null ? "POST" : "GET";
        if (method.equals("DELETE") && lastSilence != null)
            path = path.replaceAll("/api/silences/[^/?]+$", "/api/silences/" + lastSilence);
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(router.baseUrl() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        Matcher h = HEADER.matcher(command);
        while (h.find()) {
            String header = h.group(1) != null ? h.group(1) : h.group(2);
            int colon = header.indexOf(':');
            req.header(
                    header.substring(0, colon).strip(),
                    header.substring(colon + 1).strip());
        }
        return router.send(req);
    }

    static synchronized int cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
            int code = new CommandLine(new OpsRouterCli()).execute(args);
            if (code != 0) oldErr.println(String.join(" ", args) + " -> " + code + "\n" + out);
            return code;
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
