package io.opsrouter.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Collects the health of every part that registered a check: routes, store, each enabled channel. */
public final class HealthService {
    private final Map<String, Supplier<HealthPart>> checks = new ConcurrentHashMap<>();
    private final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final Map<String, Supplier<List<String>>> degraded = new ConcurrentHashMap<>();

    /**
     * Registers reasons the router is up but degraded (e.g. it can page nobody): {@code /health} still answers 200,
     * with status {@code DEGRADED} and the reasons.
     */
    public void registerDegraded(String name, Supplier<List<String>> reasons) {
        degraded.put(name, reasons);
    }

    /** Every current reason the router is degraded, empty when none. */
    public List<String> degradedReasons() {
        List<String> out = new ArrayList<>();
        for (Supplier<List<String>> r : degraded.values()) {
            try {
                out.addAll(r.get());
            } catch (RuntimeException e) {
                out.add("check failed: " + e.getMessage());
            }
        }
        return out;
    }

    public void register(String name, Supplier<HealthPart> check) {
        if (checks.put(name, check) == null) order.add(name);
    }

    public List<HealthPart> check() {
        List<HealthPart> parts = new ArrayList<>();
        for (String name : order) {
            try {
                parts.add(checks.get(name).get());
            } catch (RuntimeException e) {
                parts.add(HealthPart.down(name, "check failed: " + e.getMessage()));
            }
        }
        return parts;
    }

    public static boolean ready(List<HealthPart> parts) {
        return parts.stream().allMatch(HealthPart::up);
    }
}
