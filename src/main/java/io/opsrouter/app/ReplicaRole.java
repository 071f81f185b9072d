package io.opsrouter.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.metrics.MeterNames;
import io.opsrouter.store.Replicas;

/**
 * Shows this replica's role among those sharing the store: in {@code /health} ("replica": id, live replicas, sweep
 * leader) and as meters ({@code ops_router_replica_leader{lease}}, {@code ops_router_replicas_live}). The probe
 * module adds the monitors this replica polls.
 */
final class ReplicaRole {
    private ReplicaRole() {}

    /** After the modules configured: the leases they asked to lead are known. */
    static void register(RouterContext ctx) {
        Replicas replicas = ctx.replicas();
        HealthService health = ctx.health();
        health.role("id", replicas::id);
        health.role("live", () -> replicas.live().size());
        health.role("sweepLeader", () -> replicas.leads(Replicas.SWEEP));
        MeterRegistry meters = ctx.metrics().registry();
        Gauge.builder(MeterNames.REPLICAS_LIVE, replicas, r -> r.live().size())
                .description("Replicas sharing the store, this one included, as this replica last read them")
                .register(meters);
        for (String lease : replicas.leadsFor()) {
            Gauge.builder(MeterNames.REPLICA_LEADER, replicas, r -> r.leads(lease) ? 1 : 0)
                    .tag("lease", lease)
                    .description("1 while this replica holds the lease of the singleton job")
                    .register(meters);
        }
    }
}
