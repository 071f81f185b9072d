package io.opsrouter.backup;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.metrics.MeterNames;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** The backup meters, by type: last success time, duration, size, rows, verified; failures by reason. */
final class BackupMeters {
    private final MeterRegistry registry;
    private final Map<BackupType, Map<String, AtomicReference<Double>>> values = new EnumMap<>(BackupType.class);

    BackupMeters(MeterRegistry registry) {
        this.registry = registry;
        for (BackupType t : BackupType.values()) {
            Map<String, AtomicReference<Double>> m = new java.util.HashMap<>();
            for (String name : new String[] {
                MeterNames.BACKUP_LAST_SUCCESS,
                MeterNames.BACKUP_DURATION,
                MeterNames.BACKUP_SIZE,
                MeterNames.BACKUP_ROWS,
                MeterNames.BACKUP_VERIFIED
            }) {
                AtomicReference<Double> ref = new AtomicReference<>(0.0);
                m.put(name, ref);
                if (registry != null)
                    Gauge.builder(name, ref, AtomicReference::get)
                            .tag("type", t.label())
                            .register(registry);
            }
            values.put(t, m);
        }
    }

    void success(BackupType t, double finishedEpochSeconds, double seconds, long size, long rows) {
        set(t, MeterNames.BACKUP_LAST_SUCCESS, finishedEpochSeconds);
        set(t, MeterNames.BACKUP_DURATION, seconds);
        set(t, MeterNames.BACKUP_SIZE, size);
        set(t, MeterNames.BACKUP_ROWS, rows);
        set(t, MeterNames.BACKUP_VERIFIED, 1);
    }

    void failure(BackupType t, String reason, double seconds) {
        set(t, MeterNames.BACKUP_DURATION, seconds);
        set(t, MeterNames.BACKUP_VERIFIED, 0);
        if (registry != null)
            registry.counter(MeterNames.BACKUP_FAILURES, "type", t.label(), "reason", reason)
                    .increment();
    }

    private void set(BackupType t, String name, double v) {
        values.get(t).get(name).set(v);
    }
}
