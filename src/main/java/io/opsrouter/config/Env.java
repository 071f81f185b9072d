package io.opsrouter.config;

import java.util.Map;
import java.util.Optional;

/**
 * The process environment, where every secret comes from. Tests pass their own map, so no
 * code reads {@link System#getenv()} directly.
 */
public final class Env {
    private final Map<String, String> vars;

    public Env(Map<String, String> vars) {
        this.vars = Map.copyOf(vars);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public Optional<String> get(String name) {
        String v = vars.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    public String getOrDefault(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    public boolean isSet(String name) {
        return get(name).isPresent();
    }

    public Map<String, String> asMap() {
        return vars;
    }

    public Env with(Map<String, String> more) {
        java.util.HashMap<String, String> m = new java.util.HashMap<>(vars);
        m.putAll(more);
        return new Env(m);
    }
}
