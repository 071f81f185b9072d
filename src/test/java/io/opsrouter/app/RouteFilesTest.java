package io.opsrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.opsrouter.testing.RouterHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks every shipped route file against the running router: each bean and method a route names exists, and
 * every HTTP route is authenticated by the {@code api} route configuration unless it is on the public list
 * below (with the reason it is public).
 */
class RouteFilesTest {
    /** HTTP routes that do not use the API token, and what guards them instead. */
    private static final String PING =
            "a job's ping (healthchecks.io's URLs): the unguessable key in the path is the permission";

    static final Map<String, String> PUBLIC = Map.ofEntries(
            Map.entry("http-health", "readiness for orchestrators; detail only with the API token"),
            Map.entry("http-metrics", "Prometheus scraping"),
            Map.entry("ack-link", "the signed token in the link is the permission"),
            Map.entry("ack-link-post", "the signed token in the link is the permission"),
            Map.entry("ack-code", "the short code stands for a signed token; wrong codes are throttled per address"),
            Map.entry(
                    "ack-code-post", "the short code stands for a signed token; wrong codes are throttled per address"),
            Map.entry("ingest-alertmanager", "ROUTER_WEBHOOK_TOKEN, checked by ingestGate.requireToken"),
            Map.entry("ingest-api-v2-alerts", "ROUTER_WEBHOOK_TOKEN, checked by ingestGate.requireToken"),
            Map.entry("ingest-events", "HMAC signature, checked by ingestGate.readSigned"),
            Map.entry("ingest-healthy", "Alertmanager's health check"),
            Map.entry("ingest-ready", "Alertmanager's readiness check"),
            Map.entry("heartbeat-ping-get", PING),
            Map.entry("heartbeat-ping-get-action", PING),
            Map.entry("heartbeat-ping-head", PING),
            Map.entry("heartbeat-ping-head-action", PING),
            Map.entry("heartbeat-ping-post", PING),
            Map.entry("heartbeat-ping-post-action", PING));

    @TempDir
    static Path home;

    static RouterHarness router;

    @BeforeAll
    static void start() {
        router = RouterHarness.shipped(home).start();
    }

    @AfterAll
    static void stop() {
        if (router != null) router.close();
    }

    @Test
    void everyHttpRouteIsAuthenticatedUnlessListedAsPublic() {
        CamelContext camel = router.app().camel();
        List<String> http = new ArrayList<>();
        for (Route r : camel.getRoutes()) {
            String uri = r.getEndpoint().getEndpointUri();
            if (!uri.startsWith("rest:") && !uri.startsWith("platform-http:")) continue;
            http.add(r.getRouteId());
            RouteDefinition def = ((ModelCamelContext) camel).getRouteDefinition(r.getRouteId());
            String configs = def.getRouteConfigurationId() == null ? "" : def.getRouteConfigurationId();
            boolean authenticated =
                    Arrays.stream(configs.split(",")).map(String::trim).anyMatch("api"::equals);
            if (!PUBLIC.containsKey(r.getRouteId())) {
                assertThat(authenticated)
                        .as(
                                "route %s (%s) must name routeConfigurationId: api, or be listed as public in"
                                        + " RouteFilesTest with its reason",
                                r.getRouteId(), uri)
                        .isTrue();
            }
        }
        assertThat(http).contains("api-alerts", "api-silence-create", "api-monitors", "ack-link");
        assertThat(http).as("every public route exists").containsAll(PUBLIC.keySet());
    }

    @Test
    void everyBeanAndMethodARouteNamesExists() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<String> missing = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.list(RouterHarness.REPO.resolve("routes"))) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                List<String[]> refs = new ArrayList<>();
                collect(yaml.readTree(f.toFile()), refs);
                for (String[] ref : refs) {
                    checked++;
                    Object bean = router.app().camel().getRegistry().lookupByName(ref[0]);
                    String method = ref[1].contains("(") ? ref[1].substring(0, ref[1].indexOf('(')) : ref[1];
                    if (bean == null) {
                        missing.add(f.getFileName() + ": no bean " + ref[0]);
                    } else if (Arrays.stream(bean.getClass().getMethods())
                            .noneMatch(m -> m.getName().equals(method))) {
                        missing.add(f.getFileName() + ": bean " + ref[0] + " ("
                                + bean.getClass().getSimpleName() + ") has no method " + method);
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
        assertThat(checked).isGreaterThan(30);
    }

    /** Every {ref, method} pair: bean steps and method expressions. */
    private static void collect(JsonNode node, List<String[]> out) {
        if (node.isObject()) {
            if (node.hasNonNull("ref")
                    && node.hasNonNull("method")
                    && node.get("method").isTextual()) {
                out.add(new String[] {
                    node.get("ref").asText(), node.get("method").asText()
                });
            }
            node.elements().forEachRemaining(n -> collect(n, out));
        } else if (node.isArray()) {
            node.elements().forEachRemaining(n -> collect(n, out));
        }
    }
}
