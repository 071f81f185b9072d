package io.opsrouter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class ProbeSchedulerTest {
    @Test
    void firstRunsAreSpreadOverTheIntervalAndEachMonitorKeepsItsPace() throws Exception {
        try (TestHttpServer server = new TestHttpServer();
                ProbeRunner runner = new ProbeRunner(4, Clock.systemUTC(), null, 4096)) {
            StringBuilder yaml = new StringBuilder("defaults:\n  interval: 1s\n  timeout: 1s\nmonitors:\n");
            for (int i = 0; i < 5; i++)
                yaml.append("  - id: m")
                        .append(i)
                        .append("\n    kind: http\n    url: ")
                        .append(server.url("/ok"))
                        .append('\n');
            List<Monitor> monitors = Monitors.parse(yaml.toString());
            Map<String, Long> firstAt = new ConcurrentHashMap<>();
            Map<String, Integer> runs = new ConcurrentHashMap<>();
            ProbeMeters meters = new ProbeMeters(new SimpleMeterRegistry(), monitors);
            long start = System.nanoTime();
            try (ProbeScheduler s = new ProbeScheduler(
                    runner,
                    meters,
                    r -> {
                        firstAt.putIfAbsent(r.monitor().id(), (System.nanoTime() - start) / 1_000_000);
                        runs.merge(r.monitor().id(), 1, Integer::sum);
                    },
                    Clock.systemUTC())) {
                s.start(monitors);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> runs.values().stream().allMatch(n -> n >= 2) && runs.size() == 5);
            }
            // monitor i of 5 starts at i * 200 ms: the first and the last are about 800 ms apart, not together
            List<Long> sorted = firstAt.values().stream().sorted().toList();
            assertThat(sorted.get(4) - sorted.get(0)).isBetween(500L, 1800L);
            assertThat(firstAt.get("m0")).isLessThan(firstAt.get("m4"));
            assertThat(meters.startDelayTimer().count()).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void aMonitorStillRunningSkipsItsTurnInsteadOfPilingUp() throws Exception {
        try (TestHttpServer server = new TestHttpServer();
                ProbeRunner runner = new ProbeRunner(4, Clock.systemUTC(), null, 4096)) {
            List<Monitor> monitors = Monitors.parse("""
                    monitors:
                      - id: hang
                        kind: http
                        url: %s
                        interval: 50ms
                        timeout: 5s
                      - id: ok
                        kind: http
                        url: %s
                        interval: 50ms
                    """.formatted(server.url("/hang"), server.url("/ok")));
            Map<String, Integer> results = new ConcurrentHashMap<>();
            try (ProbeScheduler s = new ProbeScheduler(
                    runner,
                    new ProbeMeters(new SimpleMeterRegistry(), monitors),
                    r -> results.merge(r.monitor().id(), 1, Integer::sum),
                    Clock.systemUTC())) {
                s.start(monitors);
                await().atMost(Duration.ofSeconds(10)).until(() -> results.getOrDefault("ok", 0) >= 10);
            }
            // ten turns of the healthy monitor passed; the hanging one was started once and skipped the rest
            assertThat(results).doesNotContainKey("hang");
            assertThat(server.hangsStarted.get()).isEqualTo(1);
        }
    }

    @Test
    void cronMonitorsRunOnQuartzSchedule() throws Exception {
        try (TestHttpServer server = new TestHttpServer();
                ProbeRunner runner = new ProbeRunner(2, Clock.systemUTC(), null, 4096)) {
            List<Monitor> monitors = Monitors.parse("""
                    monitors:
                      - id: every-second
                        kind: http
                        url: %s
                        cron: "* * * * * ?"
                    """.formatted(server.url("/ok")));
            List<Long> at = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (ProbeScheduler s = new ProbeScheduler(
                    runner,
                    new ProbeMeters(new SimpleMeterRegistry(), monitors),
                    r -> at.add(r.at().toEpochMilli()),
                    Clock.systemUTC())) {
                s.start(monitors);
                await().atMost(Duration.ofSeconds(10)).until(() -> at.size() >= 3);
            }
            // each run starts on a whole second, one second apart
            assertThat(at.get(2) - at.get(1)).isBetween(500L, 1500L);
            assertThat(at.get(1) % 1000).isLessThan(600L);
        }
    }

    @Test
    void aFailingMonitorNotYetDownIsRunAgainAfterItsRetryIntervalNotItsInterval() throws Exception {
        try (TestHttpServer server = new TestHttpServer();
                ProbeRunner runner = new ProbeRunner(2, Clock.systemUTC(), null, 4096)) {
            List<Monitor> monitors = Monitors.parse("""
                    monitors:
                      - id: failing
                        kind: http
                        url: %s
                        interval: 1h
                        retryInterval: 50ms
                        failureThreshold: 3
                        conditions: [status == 200]
                    """.formatted(server.url("/missing")));
            MonitorState state = new MonitorState(monitors.get(0));
            List<MonitorState.Health> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (ProbeScheduler s = new ProbeScheduler(
                    runner,
                    new ProbeMeters(new SimpleMeterRegistry(), monitors),
                    r -> seen.add(state.apply(r).after()),
                    m -> state.retrying(),
                    Clock.systemUTC())) {
                s.start(monitors);
                // the first run is at once; with an hourly interval only the retries can bring the next two
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 3);
                assertThat(seen.get(2)).isEqualTo(MonitorState.Health.DOWN);
                // confirmed down: back to its hourly pace, no more retries
                Thread.sleep(300);
                assertThat(seen).hasSize(3);
            }
        }
    }
}
