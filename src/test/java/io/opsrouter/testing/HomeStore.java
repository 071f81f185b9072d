package io.opsrouter.testing;

import io.opsrouter.config.CoreSettings;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.store.StateStore;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.Map;

/** The state store of a router home, opened as the router opens it: for reading what a (killed) router left. */
public final class HomeStore {
    private HomeStore() {}

    public static StateStore open(Path home) {
        return CoreSettings.from(SettingsSource.load(home, Map.of(), new Env(Map.of())))
                .openStore();
    }

    /** Opens the home's store, runs {@code countQuery} (one number) and closes the store again. */
    public static long count(Path home, String countQuery) {
        try (StateStore store = open(home)) {
            return store.read(c -> {
                try (ResultSet rs = c.createStatement().executeQuery(countQuery)) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
        }
    }
}
