package io.opsrouter.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.app.Json;
import io.opsrouter.testing.RouterHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The stack's files in the repository, read the way their tools read them. */
final class StackFiles {
    static final Path REPO = RouterHarness.REPO;
    static final Path DASHBOARD = REPO.resolve("config/grafana/dashboards/ops-router.json");
    static final Path ALERT_RULES = REPO.resolve("config/prometheus/alerts.yml");
    static final Path PROMETHEUS = REPO.resolve("config/prometheus/prometheus.yml");
    static final Path ALERTMANAGER = REPO.resolve("config/alertmanager/alertmanager.yml");
    static final Path COMPOSE = REPO.resolve("docker-compose.yml");
    static final Path ENV_EXAMPLE = REPO.resolve(".env.example");
    static final Path OPERATIONS_DOC = REPO.resolve("docs/operations.md");

    private StackFiles() {}

    /** One PromQL expression of the dashboard, with where it is. */
    record DashboardQuery(String panel, String expr, boolean variable) {}

    /** One alerting rule of alerts.yml. */
    record Rule(String group, String alert, String expr, Map<String, Object> labels, Map<String, Object> annotations) {}

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode dashboard() {
        try {
            return Json.MAPPER.readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<DashboardQuery> dashboardQueries() {
        JsonNode d = dashboard();
        List<DashboardQuery> out = new ArrayList<>();
        collectPanels(d.path("panels"), out);
        for (JsonNode v : d.path("templating").path("list")) {
            if (!"query".equals(v.path("type").asText())) continue;
            JsonNode q = v.path("query");
            out.add(new DashboardQuery(
                    "variable " + v.path("name").asText(),
                    q.isObject() ? q.path("query").asText() : q.asText(),
                    true));
        }
        return out;
    }

    private static void collectPanels(JsonNode panels, List<DashboardQuery> out) {
        for (JsonNode p : panels) {
            for (JsonNode t : p.path("targets")) {
                if (t.hasNonNull("expr"))
                    out.add(new DashboardQuery(
                            p.path("title").asText(), t.path("expr").asText(), false));
            }
            collectPanels(p.path("panels"), out);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(Path p) {
        return (Map<String, Object>)
                new Load(LoadSettings.builder().setLabel(p.toString()).build()).loadFromString(read(p));
    }

    @SuppressWarnings("unchecked")
    static List<Rule> alertRules() {
        List<Rule> rules = new ArrayList<>();
        for (Object g : (List<Object>) yaml(ALERT_RULES).get("groups")) {
            Map<String, Object> group = (Map<String, Object>) g;
            for (Object r : (List<Object>) group.get("rules")) {
                Map<String, Object> rule = (Map<String, Object>) r;
                if (!rule.containsKey("alert")) continue;
                rules.add(new Rule(
                        (String) group.get("name"),
                        (String) rule.get("alert"),
                        String.valueOf(rule.get("expr")),
                        (Map<String, Object>) rule.getOrDefault("labels", Map.of()),
                        (Map<String, Object>) rule.getOrDefault("annotations", Map.of())));
            }
        }
        return rules;
    }

    /** A Grafana expression made into plain PromQL: its variables replaced by what Grafana would put there. */
    static String asPromQl(String expr) {
        return expr.replace("$__rate_interval", "1m")
                .replace("$__interval", "1m")
                .replace("$__range", "1h")
                .replace("$instance", ".*");
    }
}
