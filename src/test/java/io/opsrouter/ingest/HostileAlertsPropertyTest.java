package io.opsrouter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.testing.RouterHarness;
import io.opsrouter.testing.TestPostgres;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The hostile-input suite of issue 18 for the Alertmanager doors, against a whole router with its real alert
 * pipeline and PostgreSQL: well-formed JSON alert batches whose strings hold anything (NUL, lone surrogates, line
 * breaks, '=', emoji), whose label names are anything, and whose times are anything (year 300000, negative
 * years, not a time). Each answer is a 2xx or a 4xx, never a 5xx (which Alertmanager would retry forever), and
 * the router still answers /health afterwards. {@link IngestFuzzTest} covers malformed bodies.
 */
class HostileAlertsPropertyTest {
    static final String TOKEN = "hostile-webhook-token-0001";
    static Path home;
    static RouterHarness router;
    static TestPostgres.Database db;
    static final Map<Integer, AtomicInteger> ANSWERS = new ConcurrentHashMap<>();

    @BeforeContainer
    static void start() throws IOException {
        home = Files.createTempDirectory("ingest-hostile");
        // on PostgreSQL, where a NUL or a time past year 294276 failed the whole batch's transaction
        db = TestPostgres.createDatabase("hostile");
        router = RouterHarness.shipped(home)
                .database(db)
                .env("ROUTER_WEBHOOK_TOKEN", TOKEN)
                .setting(IngestSettings.RATE_LIMIT, "100000000")
                .setting(IngestSettings.TOKEN_RATE_LIMIT, "100000000")
                .start();
    }

    @AfterContainer
    static void stop() throws IOException {
        if (router == null) return; // the start failed, and its error is the one reported
        try {
            assertThat(router.get("/health").statusCode()).isEqualTo(200);
            System.out.println("hostile alert batches, answers by status: " + new java.util.TreeMap<>(ANSWERS));
        } finally {
            router.close();
            db.close();
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    @Property(tries = 200)
    void theWebhookNeverAnswers5xx(@ForAll("alertLists") List<String> alerts, @ForAll("statuses") String status) {
        String body = "{\"version\":\"4\",\"status\":" + status + ",\"receiver\":\"ops-router\",\"alerts\":["
                + String.join(",", alerts) + "]}";
        assertNoServerError(
                router.send(IngestHttp.post(router, "/webhooks/alertmanager", body)
                        .header("Authorization", "Bearer " + TOKEN)),
                body);
    }

    @Property(tries = 200)
    void apiV2NeverAnswers5xx(@ForAll("alertLists") List<String> alerts) {
        String body = "[" + String.join(",", alerts) + "]";
        assertNoServerError(
                router.send(IngestHttp.post(router, "/api/v2/alerts", body).header("Authorization", "Bearer " + TOKEN)),
                body);
    }

    static void assertNoServerError(HttpResponse<String> r, String body) {
        ANSWERS.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
        assertThat(r.statusCode() / 100)
                .as("%s for %s: %s", r.statusCode(), body, r.body())
                .isIn(2, 4);
    }

    // ---- generators: JSON text written here, so that lone surrogates travel as \\u escapes ----

    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    /** Mostly plain text, so that most batches hold some alerts the router takes, and a good share of the worst. */
    static Arbitrary<String> hostileText() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(
                        4,
                        Arbitraries.strings()
                                .alpha()
                                .numeric()
                                .withChars('-', '.', ' ')
                                .ofMaxLength(20)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().all().ofMaxLength(30)),
                net.jqwik.api.Tuple.of(
                        1,
                        Arbitraries.strings()
                                .withCharRange('\u0000', '\u001f')
                                .withCharRange('\ud800', '\udfff')
                                .ofMaxLength(6)),
                net.jqwik.api.Tuple.of(
                        1,
                        Arbitraries.of(
                                "",
                                "\u0000",
                                "\ud800",
                                "a\udc00b",
                                "\r\nseverity=P1",
                                "x=y",
                                "\ud83d\udd25",
                                "critical",
                                "P1",
                                "host-1",
                                "a".repeat(2000))));
    }

    static Arbitrary<String> labelName() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(
                        3,
                        Arbitraries.of("alertname", "severity", "priority", "instance", "job", "service", "_x", "le")),
                net.jqwik.api.Tuple.of(
                        3,
                        Arbitraries.strings()
                                .withCharRange('a', 'z')
                                .withChars('_', '0')
                                .ofMinLength(1)
                                .ofMaxLength(12)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().all().ofMaxLength(12)),
                net.jqwik.api.Tuple.of(
                        1,
                        Arbitraries.of("job\r\nseverity", "a=b", "sev\ud83d\udd25", "1st", "", "\u0000", "x\ud800")));
    }

    static Arbitrary<String> time() {
        Arbitrary<String> years = Arbitraries.integers()
                .between(-999_999, 999_999)
                .map(y -> {
                    String year = y > 9999 ? "+" + y : y < 0 ? String.format("-%04d", -y) : String.format("%04d", y);
                    return year + "-01-01T00:00:00Z";
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(
                        5,
                        Arbitraries.of(
                                "0001-01-01T00:00:00Z", "2026-11-24T03:00:00Z", "2030-01-01T00:00:00.123456789Z")),
                net.jqwik.api.Tuple.of(1, years),
                net.jqwik.api.Tuple.of(1, hostileText()),
                net.jqwik.api.Tuple.of(
                        1,
                        Arbitraries.of(
                                "0001-01-01T00:00:00Z",
                                "2026-11-24T03:00:00Z",
                                "1969-12-31T23:59:59Z",
                                "9999-12-31T23:59:59Z",
                                "+300000-01-01T00:00:00Z",
                                "2026-13-45T99:99:99Z",
                                "2026-11-24T03:00:00+25:00")));
    }

    static Arbitrary<String> stringMap(Arbitrary<String> names, boolean withAlertname) {
        Arbitrary<String> alertnames = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(
                        4, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12)),
                net.jqwik.api.Tuple.of(1, hostileText()));
        return Combinators.combine(
                        names.list().ofMaxSize(3),
                        hostileText().list().ofSize(3),
                        alertnames,
                        Arbitraries.of(true, true, true, false))
                .as((keys, values, alertname, named) -> {
                    Map<String, String> m = new java.util.LinkedHashMap<>();
                    if (withAlertname && named) m.put("alertname", alertname);
                    for (int i = 0; i < keys.size(); i++) m.putIfAbsent(keys.get(i), values.get(i));
                    StringBuilder b = new StringBuilder("{");
                    m.forEach((k, v) -> b.append(b.length() > 1 ? "," : "")
                            .append(json(k))
                            .append(':')
                            .append(json(v)));
                    return b.append('}').toString();
                });
    }

    @Provide
    Arbitrary<String> statuses() {
        return Arbitraries.of("\"firing\"", "\"resolved\"", "null", "\"\\u0000\"");
    }

    @Provide
    Arbitrary<List<String>> alertLists() {
        Arbitrary<String> alert = Combinators.combine(
                        stringMap(labelName(), true),
                        stringMap(labelName(), false),
                        time(),
                        time(),
                        Arbitraries.of("\"firing\"", "\"firing\"", "\"resolved\"", "\"\\u0000\"", "null", "42"),
                        Arbitraries.frequencyOf(
                                net.jqwik.api.Tuple.of(4, Arbitraries.just("null")),
                                net.jqwik.api.Tuple.of(
                                        1,
                                        Arbitraries.strings()
                                                .withChars("0123456789abcdef")
                                                .ofMinLength(1)
                                                .ofMaxLength(16)
                                                .map(HostileAlertsPropertyTest::json)),
                                net.jqwik.api.Tuple.of(1, hostileText().map(HostileAlertsPropertyTest::json))))
                .as((labels, annotations, startsAt, endsAt, status, fingerprint) -> "{\"status\":" + status
                        + ",\"labels\":" + labels
                        + ",\"annotations\":" + annotations + ",\"startsAt\":" + json(startsAt) + ",\"endsAt\":"
                        + json(endsAt)
                        + ",\"generatorURL\":" + json("http://prom/graph") + ",\"fingerprint\":" + fingerprint + "}");
        return alert.list().ofMinSize(1).ofMaxSize(4);
    }
}
