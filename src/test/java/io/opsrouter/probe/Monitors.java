package io.opsrouter.probe;

import io.opsrouter.config.Env;
import java.io.StringReader;
import java.util.List;
import java.util.Map;

/** Builds monitors from YAML text the way ops write them. */
final class Monitors {
    private Monitors() {}

    static List<Monitor> parse(String yaml) {
        return parse(yaml, Map.of());
    }

    static List<Monitor> parse(String yaml, Map<String, String> env) {
        return MonitorsFile.parse("monitors.yaml", new StringReader(yaml), new Env(env));
    }

    static Monitor one(String yaml) {
        return parse("monitors:\n" + yaml.indent(2)).get(0);
    }

    static Monitor one(String yaml, Map<String, String> env) {
        return parse("monitors:\n" + yaml.indent(2), env).get(0);
    }
}
