package io.opsrouter.budget;

import io.opsrouter.config.SettingsSource;
import java.time.Duration;

/**
 * The time-to-page budget's settings ({@code config/application.properties}).
 *
 * @param slack    how much later than its rule's own {@code for} a P1 may reach a phone before start-up and
 *                 {@code config check} warn
 * @param channel  what delivering one message may take once it is in the outbox (claim, one send within its timeout)
 * @param sweep    how often pending alerts are promoted and group messages sent ({@code alerts.sweep-period-ms})
 */
public record PageBudgetSettings(Duration slack, Duration channel, Duration sweep) {
    public static final String SLACK = "router.page-budget.slack";
    public static final String CHANNEL = "router.page-budget.channel-allowance";
    public static final String SWEEP = "alerts.sweep-period-ms";

    public static final PageBudgetSettings DEFAULTS =
            new PageBudgetSettings(Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(5));

    public static PageBudgetSettings from(SettingsSource s) {
        return new PageBudgetSettings(
                s.duration(SLACK, "ROUTER_PAGE_BUDGET_SLACK", DEFAULTS.slack()),
                s.duration(CHANNEL, "ROUTER_PAGE_BUDGET_CHANNEL_ALLOWANCE", DEFAULTS.channel()),
                Duration.ofMillis(s.integer(SWEEP, null, 5000, 1, Integer.MAX_VALUE)));
    }
}
