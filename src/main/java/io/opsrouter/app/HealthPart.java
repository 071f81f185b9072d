package io.opsrouter.app;

/** One part of the router's health: a name, whether it is ready, and a short reason when it is not. */
public record HealthPart(String name, boolean up, String detail) {
    public static HealthPart up(String name, String detail) {
        return new HealthPart(name, true, detail);
    }

    public static HealthPart down(String name, String detail) {
        return new HealthPart(name, false, detail);
    }
}
