package io.opsrouter.alert;

import io.opsrouter.store.StateStore;
import io.opsrouter.testing.HomeStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Child JVM for {@link IntakeDurabilityTest}: opens the embedded store as the router does, hands the alert engine one
 * new alert per call from several threads at once (so that the calls share group commits), prints how many calls
 * returned, and dies at once like a killed process.
 */
public final class KilledAfterSignalsMain {
    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        StateStore store = HomeStore.open(home);
        AlertFixture fixture =
                new AlertFixture(store, new MovableClock(AlertFixture.NIGHT), AlertFixture.RULES, AlertFixture.ALL);
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Signal s = AlertFixture.firing("killed-" + i, "svc-" + i);
            calls.add(senders.submit(() -> fixture.engine.accept(List.of(s))));
        }
        for (Future<?> f : calls) f.get();
        System.out.println("accepted=" + n);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
