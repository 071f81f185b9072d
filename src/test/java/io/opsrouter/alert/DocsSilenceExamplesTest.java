package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.RouterHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/**
 * Every {@code curl} example for the silence API in README.md and docs/*.md, run against a router started here: an
 * example that answers 400 (a field the API does not take, a time already past) fails the build.
 */
class DocsSilenceExamplesTest {
    private static final String TOKEN = "docs-example-token-1";
    private static final Pattern FENCE = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern URL = Pattern.compile("http://localhost:8080(/api/silences[^\\s'\"]*)");
    private static final Pattern METHOD = Pattern.compile("-X\\s+([A-Z]+)");
    private static final Pattern BODY = Pattern.compile("-d\\s+'([^']*)'");

    record Example(String where, String method, String path, String body) {}

    @TempDir
    Path home;

    RouterHarness router;

    @AfterEach
    void stop() {
        if (router != null) router.close();
    }

    static List<Example> examples() throws Exception {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Example> found = new ArrayList<>();
        for (Path f : files) {
            Matcher block = FENCE.matcher(Files.readString(f));
            while (block.find()) {
                if (!List.of("", "sh", "bash", "shell").contains(block.group(1))) continue;
                for (String command :
                        block.group(2).replaceAll("\\\\\\n\\s*", " ").split("\\n")) {
                    Matcher url = URL.matcher(command);
                    if (!command.strip().startsWith("curl") || !url.find()) continue;
                    Matcher m = METHOD.matcher(command);
                    Matcher b = BODY.matcher(command);
                    String body = b.find() ? b.group(1) : null;
                    String method = m.find() ? m.group(1) : body != null ? "POST" : "GET";
                    found.add(new Example(f + ": " + command.strip(), method, url.group(1), body));
                }
            }
        }
        return found;
    }

    @Test
    void everySilenceExampleInTheDocsAnswers2xx() throws Exception {
        List<Example> examples = examples();
        assertThat(examples)
                .as("silence examples in README.md and docs/")
                .extracting(Example::method)
                .contains("POST", "GET", "DELETE");
        router = RouterHarness.shipped(home).env("ROUTER_API_TOKEN", TOKEN).start();
        String lastId = null;
        // made first, so that listing and ending have a silence to work on
        List<Example> ordered = new ArrayList<>(
                examples.stream().filter(e -> e.method().equals("POST")).toList());
        examples.stream().filter(e -> !e.method().equals("POST")).forEach(ordered::add);
        for (Example e : ordered) {
            String path = e.path();
            if (e.method().equals("DELETE")) path = path.replaceAll("/api/silences/[^/?]+$", "/api/silences/" + lastId);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(router.baseUrl() + path))
                    .header("Authorization", "Bearer " + TOKEN)
                    .method(
                            e.method(),
                            e.body() == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(e.body()));
            if (e.body() != null) b.header("Content-Type", "application/json");
            HttpResponse<String> r = router.send(b);
            assertThat(r.statusCode()).as(e.where() + " answered " + r.body()).isBetween(200, 299);
            if (e.method().equals("POST"))
                lastId = AlertApiTest.json(r).get("id").asText();
        }
    }
}
