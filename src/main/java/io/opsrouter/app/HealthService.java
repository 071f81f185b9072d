package io.opsrouter.app;

import io.opsrouter.watchdog.Watchdog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Collects the health of every part that registered a check: routes, store, each enabled channel; and the
 * pipeline's watchdog: a part stuck longer than its limit is a part {@code pipeline:<name>} that is down.
 */
public final class HealthService {
    private final Watchdog watchdog = new Watchdog();
    private final Map<String, Supplier<HealthPart>> checks = new ConcurrentHashMap<>();
    private final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final Map<String, Supplier<List<String>>> degraded = new ConcurrentHashMap<>();
    private final Map<String, Supplier<Object>> role = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** Adds a fact about this replica's role ({@code /health}'s "replica": its id, what it leads, what it polls). */
    public void role(String key, Supplier<Object> value) {
        role.put(key, value);
    }

    /** This replica's role, by key. */
    public Map<String, Object> role() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        role.forEach((k, v) -> {
            try {
                out.put(k, v.get());
            } catch (RuntimeException e) {
                out.put(k, "unknown: " + e.getMessage());
            }
        });
        return out;
    }

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
        parts.addAll(pipeline());
        return parts;
    }

    /** The parts of the pipeline that must keep moving (the sweep, the intake, each channel's dispatcher). */
    public Watchdog watchdog() {
        return watchdog;
    }

    private List<HealthPart> pipeline() {
        List<Watchdog.Stall> stalled = watchdog.stalled();
        if (stalled.isEmpty()) {
            return List.of(HealthPart.up(
                    "pipeline",
                    watchdog.parts().size() + " parts moving (stuck after "
                            + watchdog.stallAfter().toSeconds() + "s)"));
        }
        List<HealthPart> down = new ArrayList<>();
        for (Watchdog.Stall s : stalled) {
            down.add(HealthPart.down(
                    "pipeline:" + s.part(),
                    "no progress for " + s.busyFor().toSeconds() + "s (limit "
                            + watchdog.stallAfter().toSeconds() + "s)"));
        }
        return down;
    }

    public static boolean ready(List<HealthPart> parts) {
        return parts.stream().allMatch(HealthPart::up);
    }
}
