package io.opsrouter.app;

import io.opsrouter.config.CoreSettings;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.metrics.RouterMetrics;
import io.opsrouter.store.Replicas;
import io.opsrouter.store.StateStore;
import java.time.Clock;

/**
 * What every module gets at start-up: the settings, the environment, the state store, the replicas sharing it
 * (which of them leads a singleton job, among which the monitors are shared), the meters,
 * the health registry and the clock (tests move it).
 */
public record RouterContext(
        SettingsSource settings,
        CoreSettings core,
        Env env,
        StateStore store,
        Replicas replicas,
        RouterMetrics metrics,
        HealthService health,
        Clock clock,
        String version) {}
