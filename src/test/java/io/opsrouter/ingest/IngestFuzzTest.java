package io.opsrouter.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.opsrouter.testing.RecordingIntake;
import io.opsrouter.testing.RouterHarness;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Thousands of malformed bodies at each door: random bytes, truncated payloads, invalid UTF-8, required fields
 * removed or given a wrong value, deep nesting. Every answer must be a 4xx, and the router keeps serving.
 */
class IngestFuzzTest {
    static final String TOKEN = "fuzz-webhook-token-0001";
    static final String SECRET = "fuzz-secret";
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    static Path home;
    static RouterHarness router;
    static RecordingIntake intake = new RecordingIntake().onlyFrom(RecordingIntake.FED_IN);

    @BeforeContainer
    static void start() throws IOException {
        home = Files.createTempDirectory("ingest-fuzz");
        router = RouterHarness.shipped(home)
                .modules(intake.modules())
                .env("ROUTER_WEBHOOK_TOKEN", TOKEN)
                .env("ROUTER_WEBHOOK_SECRET", SECRET)
                .setting(IngestSettings.RATE_LIMIT, "100000000")
                .setting(IngestSettings.TOKEN_RATE_LIMIT, "100000000")
                .start();
    }

    @AfterContainer
    static void stop() throws IOException {
        try {
            // nothing malformed got through, and the router still serves
            assertThat(intake.signals).isEmpty();
            assertThat(router.get("/-/healthy").statusCode()).isEqualTo(200);
            HttpResponse<String> valid =
                    router.send(IngestHttp.post(router, "/webhooks/alertmanager", IngestHttp.vector("grouped.json"))
                            .header("Authorization", "Bearer " + TOKEN));
            assertThat(valid.statusCode()).isEqualTo(200);
            assertThat(intake.signals).hasSize(3);
        } finally {
            router.close();
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    @Property(tries = 1000)
    void alertmanagerWebhookAnswers4xxToMalformedBodies(@ForAll("webhookBodies") byte[] body) {
        HttpResponse<String> r = router.send(
                IngestHttp.post(router, "/webhooks/alertmanager", body).header("Authorization", "Bearer " + TOKEN));
        assertClientError(r, body);
    }

    @Property(tries = 1000)
    void apiV2Answers4xxToMalformedBodies(@ForAll("apiV2Bodies") byte[] body) {
        assertClientError(
                router.send(IngestHttp.post(router, "/api/v2/alerts", body).header("Authorization", "Bearer " + TOKEN)),
                body);
    }

    @Property(tries = 1000)
    void signedEventsAnswer4xxToMalformedBodies(@ForAll("eventBodies") byte[] body) {
        long now = System.currentTimeMillis() / 1000;
        assertClientError(router.send(IngestHttp.signed(router, SECRET, now, body)), body);
    }

    @Property(tries = 200)
    void unsignedOrUnauthenticatedHostileRequestsAre4xx(@ForAll("webhookBodies") byte[] body) {
        assertClientError(router.send(IngestHttp.post(router, "/webhooks/events", body)), body);
        assertClientError(
                router.send(IngestHttp.post(router, "/webhooks/alertmanager", body)
                        .header("Authorization", "Bearer wrong")),
                body);
    }

    private static void assertClientError(HttpResponse<String> r, byte[] body) {
        String shown = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as(shown).isBetween(400, 499);
        assertThat(r.body()).as(shown).startsWith("{\"error\":").doesNotContain("Exception");
    }

    @Provide
    Arbitrary<byte[]> webhookBodies() {
        ObjectNode valid = (ObjectNode) read(IngestHttp.vector("firing.json"));
        List<Target> targets = List.of(
                new Target(List.of("version"), true, concat(common(), TextNode.valueOf("3"), TextNode.valueOf(""))),
                new Target(List.of("alerts"), true, concat(common(), F.arrayNode())),
                new Target(List.of("alerts", "0"), true, concat(common(), TextNode.valueOf("alert"))),
                new Target(List.of("alerts", "0", "status"), true, concat(common(), TextNode.valueOf("pending"))),
                new Target(List.of("alerts", "0", "labels"), true, concat(common(), F.objectNode())),
                new Target(
                        List.of("alerts", "0", "labels", "alertname"), true, concat(common(), TextNode.valueOf(" "))),
                new Target(List.of("alerts", "0", "labels", "job"), false, commonNonNull()),
                new Target(List.of("alerts", "0", "annotations", "summary"), false, commonNonNull()),
                new Target(List.of("alerts", "0", "startsAt"), false, badTimes()),
                new Target(List.of("alerts", "0", "endsAt"), false, badTimes()),
                new Target(
                        List.of("alerts", "0", "fingerprint"),
                        false,
                        concat(commonNonNull(), TextNode.valueOf("not-hex!"))),
                new Target(
                        List.of("truncatedAlerts"),
                        false,
                        concat(
                                withoutWholeNumbers(commonNonNull()),
                                IntNode.valueOf(-1),
                                DecimalNode.valueOf(new BigDecimal("1e30")),
                                TextNode.valueOf("5"))),
                new Target(List.of("status"), false, concat(commonNonNull(), TextNode.valueOf("ok"))));
        return malformed(valid, targets);
    }

    @Provide
    Arbitrary<byte[]> apiV2Bodies() {
        // one alert: in a longer list the good alerts beside a broken one are taken (a 200 naming the broken one)
        ArrayNode valid =
                F.arrayNode().add(read(IngestHttp.vector("api-v2.json")).get(0));
        List<Target> targets = List.of(
                new Target(List.of("0"), true, concat(common(), TextNode.valueOf("alert"))),
                new Target(List.of("0", "labels"), true, concat(common(), F.objectNode())),
                new Target(List.of("0", "labels", "alertname"), true, concat(common(), TextNode.valueOf(""))),
                new Target(List.of("0", "labels", "severity"), false, commonNonNull()),
                new Target(List.of("0", "annotations"), false, concat(commonNonNull(), obj("a", IntNode.valueOf(1)))),
                new Target(List.of("0", "startsAt"), false, badTimes()),
                new Target(List.of("0", "endsAt"), false, badTimes()),
                new Target(List.of("0", "generatorURL"), false, commonNonNull()));
        return malformed(valid, targets);
    }

    @Provide
    Arbitrary<byte[]> eventBodies() {
        ObjectNode valid = (ObjectNode)
                read(
                        "{\"source\":\"vapi\",\"name\":\"AssistantErrors\",\"priority\":\"P1\","
                                + "\"severity\":\"critical\",\"labels\":{\"assistant\":\"night\"},\"summary\":\"fails calls\",\"resolved\":false}");
        List<Target> targets = List.of(
                new Target(List.of("source"), true, concat(common(), TextNode.valueOf(""))),
                new Target(List.of("name"), true, concat(common(), TextNode.valueOf(" "))),
                new Target(
                        List.of("priority"),
                        false,
                        concat(commonNonNull(), TextNode.valueOf("P4"), TextNode.valueOf("high"))),
                new Target(List.of("severity"), false, commonNonNull()),
                new Target(List.of("labels"), false, concat(commonNonNull(), obj("a", IntNode.valueOf(1)))),
                new Target(List.of("labels", "assistant"), false, commonNonNull()),
                new Target(List.of("summary"), false, commonNonNull()),
                new Target(
                        List.of("resolved"),
                        false,
                        concat(withoutBooleans(commonNonNull()), TextNode.valueOf("true"))));
        return malformed(valid, targets);
    }

    /** A field at a path, whether it is required, and values it must not take. */
    record Target(List<String> path, boolean required, List<JsonNode> bad) {}

    private static Arbitrary<byte[]> malformed(JsonNode valid, List<Target> targets) {
        byte[] compact = valid.toString().getBytes(StandardCharsets.UTF_8);
        Arbitrary<byte[]> randomBytes =
                Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300);
        Arbitrary<byte[]> truncated =
                Arbitraries.integers().between(0, compact.length - 1).map(n -> Arrays.copyOf(compact, n));
        Arbitrary<byte[]> badUtf8 = Combinators.combine(
                        Arbitraries.integers().between(0, compact.length),
                        Arbitraries.of(
                                new byte[] {(byte) 0xC3, 0x28},
                                new byte[] {(byte) 0xFF},
                                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                                new byte[] {(byte) 0xF0, (byte) 0x28, (byte) 0x8C, (byte) 0x28}))
                .as((at, bad) -> insert(compact, at, bad));
        Arbitrary<byte[]> wrongValue =
                Arbitraries.of(targets).flatMap(t -> Arbitraries.of(t.bad()).map(v -> set(valid, t.path(), v)));
        Arbitrary<byte[]> removed = Arbitraries.of(
                        targets.stream().filter(Target::required).toList())
                .map(t -> set(valid, t.path(), null));
        Arbitrary<byte[]> nested = Arbitraries.integers()
                .between(40, 5000)
                .map(n -> ("[".repeat(n) + "]".repeat(n)).getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> trailing = Arbitraries.strings()
                .withChars("{}[],:\"x1 ")
                .ofMinLength(1)
                .ofMaxLength(5)
                .filter(s -> !s.isBlank())
                .map(s -> (valid.toString() + s).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, randomBytes),
                net.jqwik.api.Tuple.of(2, truncated),
                net.jqwik.api.Tuple.of(2, badUtf8),
                net.jqwik.api.Tuple.of(4, wrongValue),
                net.jqwik.api.Tuple.of(1, removed),
                net.jqwik.api.Tuple.of(1, nested),
                net.jqwik.api.Tuple.of(1, trailing));
    }

    private static byte[] set(JsonNode valid, List<String> path, JsonNode value) {
        JsonNode root = valid.deepCopy();
        JsonNode parent = root;
        for (int i = 0; i < path.size() - 1; i++) parent = child(parent, path.get(i));
        String last = path.get(path.size() - 1);
        if (parent instanceof ObjectNode o) {
            if (value == null) o.remove(last);
            else o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            if (value == null) a.remove(Integer.parseInt(last));
            else a.set(Integer.parseInt(last), value);
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode child(JsonNode node, String name) {
        return node.isArray() ? node.get(Integer.parseInt(name)) : node.get(name);
    }

    private static byte[] insert(byte[] into, int at, byte[] bytes) {
        byte[] out = new byte[into.length + bytes.length];
        System.arraycopy(into, 0, out, 0, at);
        System.arraycopy(bytes, 0, out, at, bytes.length);
        System.arraycopy(into, at, out, at + bytes.length, into.length - at);
        return out;
    }

    private static List<JsonNode> common() {
        return concat(commonNonNull(), NullNode.getInstance());
    }

    private static List<JsonNode> commonNonNull() {
        return List.of(
                BooleanNode.TRUE,
                BooleanNode.FALSE,
                IntNode.valueOf(7),
                IntNode.valueOf(-1),
                DoubleNode.valueOf(1.5),
                DecimalNode.valueOf(new BigDecimal("9".repeat(40))),
                F.arrayNode().add("x"),
                F.arrayNode(),
                obj("x", IntNode.valueOf(1)));
    }

    private static List<JsonNode> badTimes() {
        return concat(
                commonNonNull(),
                TextNode.valueOf("yesterday"),
                TextNode.valueOf("2024-13-45T99:00:00Z"),
                TextNode.valueOf("2024-05-01 10:00:00"),
                TextNode.valueOf("1714557600"),
                TextNode.valueOf("2024-05-01T10:00:00"));
    }

    private static List<JsonNode> withoutWholeNumbers(List<JsonNode> values) {
        return values.stream().filter(v -> !v.isIntegralNumber()).toList();
    }

    private static List<JsonNode> withoutBooleans(List<JsonNode> values) {
        return values.stream().filter(v -> !v.isBoolean()).toList();
    }

    private static List<JsonNode> concat(List<JsonNode> a, JsonNode... more) {
        List<JsonNode> out = new ArrayList<>(a);
        out.addAll(Arrays.asList(more));
        return out;
    }

    private static ObjectNode obj(String k, JsonNode v) {
        ObjectNode o = F.objectNode();
        o.set(k, v);
        return o;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
