package io.opsrouter.alert;

import io.opsrouter.store.Leases;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link AlertEngine#sweep()} from the timer in {@code routes/alerts.yaml}. With several replicas on one
 * PostgreSQL, a lease lets one of them sweep; the others skip until it lapses.
 */
public final class AlertSweep {
    private static final Logger LOG = LoggerFactory.getLogger(AlertSweep.class);
    static final String LEASE = "alert-sweep";

    private final AlertEngine engine;
    private final Leases leases;
    private final boolean enabled;

    public AlertSweep(AlertEngine engine, Leases leases, boolean enabled) {
        this.engine = engine;
        this.leases = leases;
        this.enabled = enabled;
    }

    /** True when this replica should sweep now: the timer is on and this replica holds (or renewed) the lease. */
    public boolean leader() {
        return enabled && leases.tryAcquire(LEASE, Duration.ofSeconds(30));
    }

    /** One whole sweep if this replica is the leader; false when it is not. */
    public boolean run() {
        if (!leader()) return false;
        AlertEngine.SweepResult r = engine.sweep();
        if (r.promoted() + r.groupsFlushed() + r.escalated() + r.reminded() > 0) {
            LOG.info(
                    "alert sweep: {} now firing, {} group messages, {} escalated, {} reminded",
                    r.promoted(),
                    r.groupsFlushed(),
                    r.escalated(),
                    r.reminded());
        }
        return true;
    }
}
