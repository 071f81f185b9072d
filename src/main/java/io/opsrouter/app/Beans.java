package io.opsrouter.app;

/** Where a module puts the beans its routes call ({@code bean: {ref: name}} in YAML). */
@FunctionalInterface
public interface Beans {
    void bind(String name, Object bean);
}
