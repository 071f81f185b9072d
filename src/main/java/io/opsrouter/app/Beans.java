package io.opsrouter.app;

/**
 * Where a module puts the beans its routes call ({@code bean: {ref: name}} in YAML). A later binding of the
 * same name replaces an earlier one: modules later in {@code io.opsrouter.cli.Modules} (and tests' stand-ins) win.
 */
@FunctionalInterface
public interface Beans {
    void bind(String name, Object bean);
}
