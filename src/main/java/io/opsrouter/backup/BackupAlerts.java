package io.opsrouter.backup;

import io.opsrouter.alert.Severity;
import io.opsrouter.alert.Signal;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * P1 signals for the alert pipeline: {@code backup-failed} when a backup fails or does not verify, {@code backup-missing}
 * when none succeeded within its maximum age; each RESOLVED by the next good backup.
 */
final class BackupAlerts {
    private static final Logger LOG = LoggerFactory.getLogger(BackupAlerts.class);
    static final String FAILED = "backup-failed";
    static final String MISSING = "backup-missing";

    private volatile Consumer<Signal> sink;
    /** Per type and alert name: true while firing; absent when unknown (after a start), so the first good backup resolves. */
    private final Map<String, Boolean> firing = new ConcurrentHashMap<>();

    BackupAlerts(Consumer<Signal> sink) {
        this.sink = sink;
    }

    void sink(Consumer<Signal> s) {
        this.sink = s;
    }

    void fire(BackupType type, String alertname, String summary, String detail, Instant at) {
        firing.put(type.label() + "/" + alertname, true);
        send(signal(type, alertname, Signal.State.FIRING, summary, detail, at));
    }

    void resolve(BackupType type, String alertname, Instant at) {
        Boolean was = firing.put(type.label() + "/" + alertname, false);
        if (Boolean.FALSE.equals(was)) return;
        send(signal(type, alertname, Signal.State.RESOLVED, "backup " + type.label() + " is good again", null, at));
    }

    private static Signal signal(
            BackupType type, String alertname, Signal.State state, String summary, String detail, Instant at) {
        Map<String, String> annotations = new java.util.HashMap<>();
        annotations.put("summary", summary);
        if (detail != null) annotations.put("description", detail);
        return new Signal(
                "backup",
                "backup-" + type.label(),
                Map.of("alertname", alertname, "service", "backup", "backup_type", type.label()),
                annotations,
                Map.of(),
                state,
                Severity.P1,
                at,
                null);
    }

    private void send(Signal s) {
        try {
            sink.accept(s);
        } catch (RuntimeException e) {
            LOG.error(
                    "could not hand the backup signal {} {} to the alert pipeline: {}",
                    s.labels(),
                    s.state(),
                    e.getMessage());
        }
    }
}
