package io.opsrouter.app;

import java.util.List;

/** The modules the router runs, in start-up order. A new concern adds one line here. */
public final class Modules {
    private Modules() {}

    public static List<RouterModule> all() {
        return List.of(
                new CoreModule(),
                new io.opsrouter.alert.AlertModule(),
                new io.opsrouter.notify.NotifyModule(),
                new io.opsrouter.ingest.IngestModule(),
                new io.opsrouter.probe.ProbeModule(),
                new io.opsrouter.backup.BackupModule(),
                new io.opsrouter.heartbeat.HeartbeatModule());
    }
}
