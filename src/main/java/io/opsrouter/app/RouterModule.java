package io.opsrouter.app;

import org.apache.camel.CamelContext;

/**
 * One concern of the router (probes, alerts, channels, ingestion, backups). A module validates its
 * section of the settings and binds the beans its routes call. Modules are listed in {@code io.opsrouter.cli.Modules}.
 */
public interface RouterModule {
    /** Short name used in logs and health. */
    String name();

    /**
     * Validates this module's settings and binds its beans. Runs before Camel starts: a
     * {@link io.opsrouter.config.SettingsException} here stops start-up with nothing started.
     */
    void configure(RouterContext ctx, Beans beans) throws Exception;

    /** Called once Camel and every route have started. */
    default void started(CamelContext camel) throws Exception {}

    /** Called when the router stops, before the state store closes. */
    default void stop() {}
}
