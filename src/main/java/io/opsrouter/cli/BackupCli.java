package io.opsrouter.cli;

import io.opsrouter.app.Version;
import io.opsrouter.backup.BackupService;
import io.opsrouter.backup.BackupSettings;
import io.opsrouter.backup.Catalogue;
import io.opsrouter.config.CoreSettings;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.store.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** What the backup commands share: the settings, the catalogue (when the state store opens) and a service without Camel. */
final class BackupCli implements AutoCloseable {
    final Env env;
    final BackupSettings settings;
    final StateStore store;
    final BackupService service;

    BackupCli(Path home, Path out) {
        env = Env.system();
        CoreSettings core = CoreSettings.from(SettingsSource.load(home, Map.of(), env));
        BackupSettings s = BackupSettings.load(home, core.dataDir());
        settings = out == null ? s : s.withOutput(out.toAbsolutePath().normalize());
        StateStore opened = null;
        try {
            opened = openBeside(core);
        } catch (RuntimeException e) {
            System.err.println("ops-router: the state store cannot be opened (" + e.getMessage()
                    + "); the catalogue is not updated");
        }
        store = opened;
        // only what went wrong is printed: there is no alert pipeline here for a RESOLVED to close
        service = new BackupService(
                settings,
                env,
                store == null ? null : new Catalogue(store),
                null,
                sig -> {
                    if (sig.state() == io.opsrouter.alert.Signal.State.FIRING)
                        System.err.println("ops-router: P1 " + sig.labels().get("alertname") + " " + sig.state() + ": "
                                + sig.annotations()
                                        .getOrDefault(
                                                "description", sig.annotations().get("summary")));
                },
                Clock.systemUTC(),
                Version.get());
    }

    /** The state store, through the server of a router running on this home when its store is the embedded one. */
    static StateStore openBeside(CoreSettings core) {
        if (!core.dbUrl().equals(StateStore.embeddedUrl(core.dataDir()))) return core.openStore();
        return StateStore.openEmbeddedBeside(
                core.dataDir(),
                core.dbUser().orElse(null),
                core.dbPassword().orElse(null),
                Math.min(2, core.dbPoolSize()));
    }

    @Override
    public void close() {
        if (store != null) store.close();
    }
}
