package io.opsrouter.app;

import io.opsrouter.watchdog.Progress;
import io.opsrouter.watchdog.Watchdog;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Records each exchange of a route as a round of work of the pipeline part named like the route (the escalation
 * sweep {@code alerts-sweep}, each channel's dispatcher {@code notify-<channel>}): a route whose exchange does
 * not end is stuck, and the watchdog says so. Routes take it with {@code routePolicy: pipelineProgress}.
 */
public final class ProgressPolicy extends RoutePolicySupport {
    public static final String BEAN = "pipelineProgress";
    private static final String CYCLE = "opsRouterProgressCycle";
    private final Watchdog watchdog;

    public ProgressPolicy(Watchdog watchdog) {
        this.watchdog = watchdog;
    }

    @Override
    public void onInit(Route route) {
        watchdog.part(route.getRouteId());
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        exchange.setProperty(CYCLE, watchdog.part(route.getRouteId()).begin());
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        Progress.Cycle cycle = exchange.getProperty(CYCLE, Progress.Cycle.class);
        if (cycle != null) cycle.close();
    }
}
