package io.opsrouter.alert;

import io.opsrouter.store.Replicas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link AlertEngine#sweep()} from the timer in {@code routes/alerts.yaml}. With several replicas on one
 * PostgreSQL, the one leading the sweep's lease sweeps; when it dies another takes the lease within 8 s
 * ({@link Replicas}).
 */
public final class AlertSweep {
    private static final Logger LOG = LoggerFactory.getLogger(AlertSweep.class);
    static final String LEASE = Replicas.SWEEP;

    private final AlertEngine engine;
    private final Replicas replicas;
    private final boolean enabled;

    public AlertSweep(AlertEngine engine, Replicas replicas, boolean enabled) {
        this.engine = engine;
        this.replicas = replicas;
        this.enabled = enabled;
        if (enabled) replicas.lead(LEASE);
    }

    /** True when this replica should sweep now: the timer is on and this replica holds the lease. */
    public boolean leader() {
        return enabled && replicas.leads(LEASE);
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
