package io.opsrouter.budget;

import io.opsrouter.alert.AlertRules;
import io.opsrouter.app.Beans;
import io.opsrouter.app.RouterContext;
import io.opsrouter.app.RouterModule;
import io.opsrouter.probe.Monitor;
import io.opsrouter.probe.MonitorsFile;
import io.opsrouter.probe.ProbeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs once at start-up, at WARN, each enabled monitor and rule whose P1 may reach a phone later than its promise
 * ({@link PageBudget}); {@code ops-router config check --detailed} prints every budget.
 */
public final class PageBudgetModule implements RouterModule {
    private static final Logger LOG = LoggerFactory.getLogger(PageBudgetModule.class);

    @Override
    public String name() {
        return "page-budget";
    }

    @Override
    public void configure(RouterContext ctx, Beans beans) {
        PageBudgetSettings settings = PageBudgetSettings.from(ctx.settings());
        Path home = ctx.core().home();
        Path rulesFile = home.resolve(AlertRules.FILE);
        if (!Files.isRegularFile(rulesFile)) return; // the alert module says so and stops start-up
        List<Monitor> monitors = MonitorsFile.load(
                        home, ProbeSettings.from(ctx.settings()).file(), ctx.env())
                .stream()
                .filter(Monitor::enabled)
                .toList();
        for (String w : warnings(
                monitors,
                AlertRules.load(rulesFile, ctx.env()),
                settings,
                ctx.clock().instant())) LOG.warn(w);
    }

    /** The warnings start-up logs: one per monitor and rule over its promise. */
    static List<String> warnings(
            List<Monitor> monitors, AlertRules rules, PageBudgetSettings settings, java.time.Instant now) {
        return PageBudget.of(monitors, rules, settings, now).stream()
                .filter(PageBudget.Line::overPromise)
                .map(PageBudget.Line::warning)
                .toList();
    }
}
