package io.opsrouter.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.app.http.ConnectionGuard;
import io.opsrouter.app.http.ConnectionSettings;
import io.opsrouter.app.http.GuardedVertx;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.metrics.MeterNames;
import io.opsrouter.metrics.RouterMetrics;
import io.opsrouter.watchdog.Watchdog;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.support.RouteWatcherReloadStrategy;

/**
 * The HTTP surface every router has: the server's connection bounds, {@code /health} and {@code /metrics}, the
 * credentials, and the routes' and store's health.
 */
public final class CoreModule implements RouterModule {
    public static final String STALL_AFTER = "router.watchdog.stall-after";
    /** The header filter of the REST routes: lets Cache-Control and the page's security headers through. */
    static final String RESPONSE_HEADERS = "responseHeaders";
    /** Paths a connection in the reserved room may ask for without a token. */
    static final Set<String> ALWAYS_SERVED = Set.of("/health", "/metrics", "/-/healthy", "/-/ready");

    private final AtomicReference<CamelContext> camel = new AtomicReference<>();
    private final AtomicReference<RouteWatcherReloadStrategy> reloads = new AtomicReference<>();
    private MeterRegistry meters;
    /**
     * Vert.x's worker threads, on which every HTTP request runs (camel-platform-http-vertx): twice Vert.x's 20, so
     * that the intake's queue ({@code SignalIntake.MAX_QUEUED}) and the bodies being read
     * ({@code router.ingest.concurrent-reads}) leave most of them to answer a flood's excess, a P1, {@code /health}
     * and acknowledge links at once. A worker waiting costs a parked thread.
     */
    static final int WORKERS = 40;

    private Vertx vertx;

    @Override
    public String name() {
        return "core";
    }

    @Override
    public void configure(RouterContext ctx, Beans registry) {
        meters = ctx.metrics().registry();
        Credentials credentials = Credentials.from(ctx.settings());
        ConnectionSettings connections = ConnectionSettings.from(ctx.settings());
        BearerAuth api = credentials.api();
        BearerAuth webhook = credentials.webhook();
        ConnectionGuard guard = new ConnectionGuard(connections, request -> privileged(request, api, webhook), meters);
        // camel-platform-http-vertx runs its server on the Vertx instance bound in the registry
        vertx = GuardedVertx.wrap(Vertx.vertx(new VertxOptions().setWorkerPoolSize(WORKERS)), guard);
        registry.bind("vertx", vertx);
        registry.bind(ConnectionGuard.BEAN, guard);
        registry.bind("credentials", credentials);
        registry.bind(RESPONSE_HEADERS, responseHeaders());
        Counter apiFailures = Counter.builder(MeterNames.AUTH_FAILURES)
                .tag("door", "api")
                .description("Requests refused for a wrong or missing token")
                .register(meters);
        registry.bind("apiAuth", new ApiAuth(api, AuthFailures.from(ctx.settings()), apiFailures::increment));
        registry.bind(RouterMetrics.CAMEL_REGISTRY_NAME, ctx.metrics().prometheus());
        registry.bind(
                "healthEndpoint",
                new HealthEndpoint(ctx.health(), ctx.version(), api, HealthEndpoint.publicDetail(ctx.settings())));
        registry.bind("metricsEndpoint", new MetricsEndpoint(ctx.metrics()));
        registry.bind("stateStore", ctx.store());
        if (ctx.store().embeddedFileBytes().isPresent())
            Gauge.builder(
                            MeterNames.STORE_FILE,
                            ctx.store(),
                            s -> s.embeddedFileBytes().orElse(0))
                    .baseUnit("bytes")
                    .description("Size of the embedded store's file (it grows in a storm and shrinks when it closes)")
                    .register(meters);
        registry.bind("routerContext", ctx);
        Watchdog watchdog = ctx.health().watchdog();
        watchdog.stallAfter(stallAfter(ctx.settings()));
        registry.bind(ProgressPolicy.BEAN, new ProgressPolicy(watchdog));
        watchdog.onPart(p -> {
            Gauge.builder(MeterNames.PIPELINE_STALLED, p, q -> watchdog.stuck(q) ? 1 : 0)
                    .tag("part", p.part())
                    .description(
                            "1 while the pipeline part has made no progress for longer than router.watchdog.stall-after")
                    .register(meters);
            Gauge.builder(MeterNames.PIPELINE_BUSY, p, q -> q.busyNanos() / 1e9)
                    .tag("part", p.part())
                    .baseUnit("seconds")
                    .description("How long the part's current round of work has run (0 while idle)")
                    .register(meters);
        });
        ctx.health().register("routes", this::routesHealth);
        ctx.health()
                .register(
                        "store",
                        () -> ctx.store().isReachable()
                                ? HealthPart.up("store", ctx.store().dialect().label())
                                : HealthPart.down("store", ctx.store().dialect().label() + " does not answer"));
    }

    /** How long a part of the pipeline may work on one round before /health says it is stuck. */
    static Duration stallAfter(SettingsSource s) {
        Duration d = s.duration(STALL_AFTER, "ROUTER_WATCHDOG_STALL_AFTER", Watchdog.DEFAULT_STALL_AFTER);
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
            throw s.error(
                    STALL_AFTER,
                    "ROUTER_WATCHDOG_STALL_AFTER",
                    "'" + s.raw(STALL_AFTER, "ROUTER_WATCHDOG_STALL_AFTER").orElse("") + "' is not from 1s to 1h",
                    "set it to a duration from 1s to 1h, e.g. 60s; longer than the slowest sweep or send");
        }
        return d;
    }

    static org.apache.camel.spi.HeaderFilterStrategy responseHeaders() {
        org.apache.camel.support.DefaultHeaderFilterStrategy f =
                new org.apache.camel.support.DefaultHeaderFilterStrategy();
        f.setLowerCase(true);
        f.setOutFilterStartsWith(org.apache.camel.support.DefaultHeaderFilterStrategy.CAMEL_FILTER_STARTS_WITH);
        f.setInFilterStartsWith(org.apache.camel.support.DefaultHeaderFilterStrategy.CAMEL_FILTER_STARTS_WITH);
        f.getOutFilter().addAll(List.of("content-length", "content-type", "host", "connection", "transfer-encoding"));
        return f;
    }

    private static boolean privileged(HttpServerRequest request, BearerAuth api, BearerAuth webhook) {
        if (ALWAYS_SERVED.contains(request.path())) return true;
        String authorization = request.getHeader("Authorization");
        return api.accepts(authorization) || webhook.accepts(authorization);
    }

    @Override
    public void stop() {
        if (vertx != null) vertx.close();
        vertx = null;
    }

    @Override
    public void started(CamelContext camelContext) {
        camel.set(camelContext);
        RouteWatcherReloadStrategy reload = camelContext.hasService(RouteWatcherReloadStrategy.class);
        if (reload != null) {
            reloads.set(reload);
            FunctionCounter.builder(MeterNames.ROUTE_RELOADS, reload, RouteWatcherReloadStrategy::getReloadCounter)
                    .tag("outcome", "succeeded")
                    .description("Route file reloads")
                    .register(meters);
            FunctionCounter.builder(MeterNames.ROUTE_RELOADS, reload, RouteWatcherReloadStrategy::getFailedCounter)
                    .tag("outcome", "failed")
                    .description("Route file reloads")
                    .register(meters);
        }
    }

    private HealthPart routesHealth() {
        CamelContext c = camel.get();
        if (c == null || !c.isStarted()) return HealthPart.down("routes", "starting");
        List<Route> routes = c.getRoutes();
        List<String> stopped = routes.stream()
                .filter(r -> c.getRouteController().getRouteStatus(r.getRouteId()) != ServiceStatus.Started)
                .map(Route::getRouteId)
                .toList();
        if (!stopped.isEmpty()) return HealthPart.down("routes", "not started: " + String.join(", ", stopped));
        RouteWatcherReloadStrategy reload = reloads.get();
        if (reload != null && reload.getLastError() != null) {
            return HealthPart.up(
                    "routes",
                    routes.size() + " started; last reload refused, previous routes kept: "
                            + reload.lastErrorMessage());
        }
        return HealthPart.up("routes", routes.size() + " started");
    }
}
