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

    /** One sweep if this replica holds the lease; false when it does not (or the timer is switched off). */
    public boolean run() {
        if (!enabled) return false;
        if (!leases.tryAcquire(LEASE, Duration.ofSeconds(30))) return false;
        AlertEngine.SweepResult r = engine.sweep();
        if (r.promoted() + r.groupsFlushed() + r.escalated() + r.reminded() > 0) {
            LOG.info("alert sweep: {} now firing, {} group messages, {} escalated, {} reminded", r.promoted(), r.groupsFlushed(),
                    r.escalated(), r.reminded());
        }
        return true;
    }
}
