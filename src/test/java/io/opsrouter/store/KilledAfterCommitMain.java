package io.opsrouter.store;

import io.opsrouter.outbox.AlertView;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Outbox;
import io.opsrouter.testing.HomeStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Child JVM for {@link EmbeddedStoreDurabilityTest}: opens the embedded store as the router does, commits one
 * notification per transaction, prints how many, and dies at once like a process that is killed (no shutdown hooks,
 * no close).
 */
public final class KilledAfterCommitMain {
    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        StateStore store = HomeStore.open(home);
        for (int i = 0; i < n; i++) {
            Notification note = notification("killed-" + i);
            store.inTransaction(c -> Outbox.enqueueAll(c, List.of(note), Instant.now()));
        }
        System.out.println("committed=" + n);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    public static Notification notification(String key) {
        AlertView v = new AlertView(
                "a-" + key,
                "fp",
                "firing",
                "P1",
                "SiteDown",
                "the site is down",
                null,
                Map.of("alertname", "SiteDown"),
                Map.of(),
                Map.of(),
                Instant.now(),
                Instant.now());
        return new Notification(
                key,
                io.opsrouter.outbox.ChannelName.LOG,
                null,
                Notification.Kind.FIRING,
                "P1",
                "alertname=SiteDown",
                List.of(v),
                null);
    }
}
