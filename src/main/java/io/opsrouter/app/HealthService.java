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
