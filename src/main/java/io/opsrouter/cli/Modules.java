package io.opsrouter.cli;

import io.opsrouter.app.CoreModule;
import io.opsrouter.app.RouterModule;
import java.util.List;

/**
 * The modules the router runs, in start-up order. A new concern adds one line here. It lives with the entry point,
 * not in {@code app}: every module builds on {@code app}, so {@code app} must not know the modules.
 */
public final class Modules {
    private Modules() {}

    public static List<RouterModule> all() {
        return List.of(
                new CoreModule(),
                new io.opsrouter.alert.AlertModule(),
                new io.opsrouter.notify.NotifyModule(),
                new io.opsrouter.ingest.IngestModule(),
                new io.opsrouter.probe.ProbeModule(),
                new io.opsrouter.budget.PageBudgetModule(),
                new io.opsrouter.backup.BackupModule(),
                new io.opsrouter.heartbeat.HeartbeatModule());
    }
}
