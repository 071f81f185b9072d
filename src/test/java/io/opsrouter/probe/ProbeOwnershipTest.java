package io.opsrouter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Each monitor is polled by one live replica; when one dies, only its monitors move. */
class ProbeOwnershipTest {
    private static final List<String> IDS =
            IntStream.range(0, 300).mapToObj(i -> "monitor-" + i).toList();

    private static Map<String, String> owners(List<String> live) {
        Map<String, String> owner = new HashMap<>();
        for (String replica : live) {
            ProbeOwnership o = new ProbeOwnership(replica, () -> live);
            for (String id : IDS) {
                if (o.owns(id))
                    assertThat(owner.put(id, replica)).as(id + " owned twice").isNull();
            }
        }
        return owner;
    }

    @Test
    void everyMonitorHasExactlyOneOwnerAndTheSharesAreEven() {
        Map<String, String> owner = owners(List.of("r1", "r2", "r3"));
        assertThat(owner).hasSize(IDS.size());
        for (String r : List.of("r1", "r2", "r3")) {
            long n = owner.values().stream().filter(r::equals).count();
            assertThat(n).as(r + "'s share of 300").isBetween(70L, 130L);
        }
    }

    @Test
    void whenAReplicaDiesOnlyItsMonitorsMove() {
        Map<String, String> before = owners(List.of("r1", "r2", "r3"));
        Map<String, String> after = owners(List.of("r1", "r3"));
        assertThat(after).hasSize(IDS.size());
        for (String id : IDS) {
            if (!before.get(id).equals("r2")) assertThat(after.get(id)).isEqualTo(before.get(id));
        }
    }

    @Test
    void aReplicaAlonePollsEveryMonitor() {
        assertThat(IDS).allMatch(id -> new ProbeOwnership("r1", () -> List.of("r1")).owns(id));
        assertThat(IDS).allMatch(id -> ProbeOwnership.alone().owns(id));
    }

    @Test
    void twoSchedulersPollEachMonitorOnceAndTheSurvivorTakesTheOthersShare() throws Exception {
        try (TestHttpServer server = new TestHttpServer();
                ProbeRunner runner = new ProbeRunner(4, Clock.systemUTC(), null, 4096)) {
            StringBuilder yaml = new StringBuilder("defaults:\n  interval: 100ms\n  timeout: 1s\nmonitors:\n");
            for (int i = 0; i < 8; i++)
                yaml.append("  - id: m")
                        .append(i)
                        .append("\n    kind: http\n    url: ")
                        .append(server.url("/ok"))
                        .append('\n');
            List<Monitor> monitors = Monitors.parse(yaml.toString());
            AtomicReference<List<String>> live = new AtomicReference<>(List.of("a", "b"));
            Map<String, String> polledBy = new ConcurrentHashMap<>();
            Map<String, Integer> twice = new ConcurrentHashMap<>();
            ProbeScheduler a = scheduler(runner, monitors, "a", live, polledBy, twice);
            ProbeScheduler b = scheduler(runner, monitors, "b", live, polledBy, twice);
            try (a) {
                try (b) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> polledBy.size() == 8);
                }
                assertThat(twice).as("monitors polled by both replicas").isEmpty();
                assertThat(polledBy.values()).contains("a", "b");
                // b died and left the live list: a polls its monitors too
                live.set(List.of("a"));
                polledBy.clear();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> polledBy.size() == 8
                                && polledBy.values().stream().allMatch("a"::equals));
            }
        }
    }

    private static ProbeScheduler scheduler(
            ProbeRunner runner,
            List<Monitor> monitors,
            String self,
            AtomicReference<List<String>> live,
            Map<String, String> polledBy,
            Map<String, Integer> twice) {
        ProbeScheduler s = new ProbeScheduler(
                runner,
                new ProbeMeters(new SimpleMeterRegistry(), monitors),
                r -> {
                    String was = polledBy.putIfAbsent(r.monitor().id(), self);
                    if (was != null && !was.equals(self))
                        twice.merge(r.monitor().id(), 1, Integer::sum);
                },
                Clock.systemUTC());
        s.pollOnly(new ProbeOwnership(self, live::get)::owns);
        s.start(monitors);
        return s;
    }
}
