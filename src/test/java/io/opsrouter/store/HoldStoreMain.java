package io.opsrouter.store;

import java.nio.file.Path;

/**
 * Child JVM for {@link EmbeddedOpenTest}: holds the embedded store file open without serving it (as a router of an
 * older version or an H2 tool does), prints "open", and keeps it until its input closes.
 */
public final class HoldStoreMain {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        try (StateStore store = StateStore.open(StateStore.embeddedUrl(data), null, null, 2, data)) {
            System.out.println("open");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our input
            }
        }
    }
}
