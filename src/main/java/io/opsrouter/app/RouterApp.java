package io.opsrouter.app;

import io.opsrouter.config.CoreSettings;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.metrics.RouterMetrics;
import io.opsrouter.store.Replicas;
import io.opsrouter.store.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router process: loads and validates the settings, opens the state store, lets each module bind
 * its beans, then starts Camel with the YAML routes from {@code routes/} on disk and the HTTP server.
 * Any error before the routes run stops start-up with one line ({@link StartupException}); nothing
 * half-starts.
 */
public final class RouterApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterApp.class);

    private final Path home;
    private final Map<String, String> overrides;
    private final Env env;
    private final Clock clock;
    private final List<RouterModule> modules;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Main main;
    private StateStore store;
    private Replicas replicas;
    private RouterContext context;

    public RouterApp(Path home, Map<String, String> overrides, Env env, Clock clock, List<RouterModule> modules) {
        this.home = home.toAbsolutePath().normalize();
        this.overrides = Map.copyOf(overrides);
        this.env = env;
        this.clock = clock;
        this.modules = List.copyOf(modules);
    }

    /** Starts everything or nothing. */
    public synchronized void start() {
        try {
            doStart();
        } catch (RuntimeException e) {
            stopQuietly();
            throw new StartupException(StartupErrors.oneLine(e, home), e);
        }
    }

    private void doStart() {
        SettingsSource settings = SettingsSource.load(home, overrides, env);
        CoreSettings core = CoreSettings.from(settings);
        if (!Files.isDirectory(core.routesDir())) {
            throw new SettingsException(
                    "environment",
                    "ROUTER_ROUTES_DIR",
                    "the routes folder " + core.routesDir() + " does not exist",
                    "run the router from the repository (or image) folder that holds routes/, or set ROUTER_HOME");
        }
        PortCheck.ensureFree(core.httpPort(), settings);
        String version = Version.get();
        store = core.openStore();
        replicas = Replicas.of(store, Replicas.newId());
        replicas.start();
        RouterMetrics metrics = new RouterMetrics(version);
        context = new RouterContext(settings, core, env, store, replicas, metrics, new HealthService(), clock, version);

        main = new Main();
        main.setInitialProperties(camelProperties(settings, core));
        main.configure().setName("ops-router");
        main.configure().withRoutesIncludePattern("file:" + core.routesDir() + "/*.yaml");
        // Camel's registry keeps one bean per name and class and answers the first bound; a later module
        // (or a test's stand-in) must replace an earlier binding, so bindings are collected first.
        Map<String, Object> beans = new LinkedHashMap<>();
        for (RouterModule m : modules) {
            try {
                m.configure(context, beans::put);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("module " + m.name() + ": " + e.getMessage(), e);
            }
        }
        ReplicaRole.register(context);
        beans.forEach(main::bind);
        main.start();
        CamelContext camel = main.getCamelContext();
        if (camel == null || !camel.isStarted()) {
            throw new IllegalStateException("Camel did not start");
        }
        PortCheck.ensureListening(camel, core.httpPort(), settings);
        for (RouterModule m : modules) {
            try {
                m.started(camel);
            } catch (Exception e) {
                throw new IllegalStateException("module " + m.name() + " failed to start: " + e.getMessage(), e);
            }
        }
        LOG.info(
                "ops-router {} ready on port {} with {} routes from {} ({} ms after the JVM started)",
                version,
                core.httpPort(),
                camel.getRoutes().size(),
                core.routesDir(),
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
    }

    private static Properties camelProperties(SettingsSource settings, CoreSettings core) {
        Properties p = new Properties();
        // defaults that the settings file may override
        p.setProperty("camel.main.useMdcLogging", "true");
        p.setProperty("camel.main.streamCachingEnabled", "false");
        p.setProperty("camel.main.shutdownTimeout", "10");
        p.setProperty("camel.main.jmxEnabled", "false");
        // a stop waits for each seda consumer's poll to time out (1 s by default) before the route stops; what a
        // shorter poll costs is a wake-up per channel every 100 ms
        p.setProperty("camel.component.seda.defaultPollTimeout", "100");
        // Quartz runs four jobs: the three backups (routes/backups.yaml) and their scheduler's heartbeat
        // (routes/heartbeats.yaml); a thread each, so backups that overlap never hold the heartbeat back (Quartz's
        // default is ten threads, idle but for a few seconds a day); no JMX (Camel's is off too)
        p.setProperty("camel.component.quartz.enableJmx", "false");
        p.setProperty(
                "camel.component.quartz.properties[org.quartz.threadPool.class]", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("camel.component.quartz.properties[org.quartz.threadPool.threadCount]", "4");
        p.setProperty("camel.component.quartz.properties[org.quartz.jobStore.class]", "org.quartz.simpl.RAMJobStore");
        p.setProperty("camel.component.quartz.properties[org.quartz.jobStore.misfireThreshold]", "60000");
        p.setProperty("camel.metrics.enabled", "true");
        p.setProperty("camel.metrics.enableRoutePolicy", "true");
        // the exchange notifier searches every meter on each exchange: with thousands of probe meters it cost
        // half the router's CPU (bench/probes); the route policy's meters are kept
        p.setProperty("camel.metrics.enableExchangeEventNotifier", "false");
        // the REST DSL (routes/api.yaml) is served by the same platform-http server as the other routes
        p.setProperty("camel.rest.component", "platform-http");
        // Camel's HTTP header filter drops Cache-Control; the acknowledge page must say no-store
        p.setProperty("camel.rest.endpointProperties[headerFilterStrategy]", "#" + CoreModule.RESPONSE_HEADERS);
        p.setProperty(
                "camel.metrics.binders", "jvm-memory,jvm-gc,jvm-thread,processor,class-loader,file-descriptor,uptime");
        p.putAll(settings.all());
        // what the router decides from its own settings
        p.setProperty("camel.server.enabled", "true");
        p.setProperty("camel.server.port", Integer.toString(core.httpPort()));
        p.setProperty("camel.server.host", settings.string("router.http.host", "ROUTER_HTTP_HOST", "0.0.0.0"));
        p.setProperty("camel.main.routesReloadEnabled", Boolean.toString(core.routesReload()));
        if (core.routesReload()) {
            p.setProperty("camel.main.routesReloadDirectory", core.routesDir().toString());
            p.setProperty("camel.main.routesReloadPattern", "*.yaml");
            p.setProperty("camel.main.routesReloadRemoveAllRoutes", "false");
        }
        p.setProperty("router.home", core.home().toString());
        p.setProperty("router.data.dir", core.dataDir().toString());
        p.setProperty("router.public-url", core.publicUrl());
        return p;
    }

    /** Blocks until {@link #stop()} is called (by a signal's shutdown hook). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public synchronized void stop() {
        stopQuietly();
        stopped.countDown();
    }

    private void stopQuietly() {
        List<RouterModule> reversed = new ArrayList<>(modules);
        java.util.Collections.reverse(reversed);
        if (main != null) {
            try {
                main.stop();
            } catch (RuntimeException e) {
                LOG.warn("stopping Camel: {}", e.getMessage());
            }
            main = null;
        }
        if (context != null) {
            for (RouterModule m : reversed) {
                try {
                    m.stop();
                } catch (RuntimeException e) {
                    LOG.warn("stopping module {}: {}", m.name(), e.getMessage());
                }
            }
        }
        if (replicas != null) {
            replicas.close();
            replicas = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public CamelContext camel() {
        return main == null ? null : main.getCamelContext();
    }

    public RouterContext context() {
        return context;
    }
}
