package io.opsrouter.outbox;

import io.opsrouter.store.StateStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class OutboxStormH2Test extends OutboxStormContract {
    @TempDir
    Path dir;

    @Override
    StateStore openStore() {
        return StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, 4, dir);
    }
}
