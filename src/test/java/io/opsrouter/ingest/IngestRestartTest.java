package io.opsrouter.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opsrouter.alert.Signal;
import io.opsrouter.testing.RecordingIntake;
import io.opsrouter.testing.RouterHarness;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Senders post batches without pause while the router stops and starts again on the same port: every alert
 * in a batch that was answered 2xx must have reached the intake. Batches that failed (refused connection,
 * reset, 503) are what Alertmanager would retry.
 */
class IngestRestartTest {
    @TempDir
    Path home;

    @Test
    void everyAlertAnswered2xxAcrossARestartReachedTheIntake() throws Exception {
        RecordingIntake intake = new RecordingIntake().onlyFrom(RecordingIntake.FED_IN);
        RouterHarness router = RouterHarness.shipped(home)
                .modules(intake.modules())
                .setting(IngestSettings.RATE_LIMIT, "1000000")
                .start();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger failed = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI uri = URI.create(router.baseUrl() + "/webhooks/alertmanager");
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int sender = t;
            Thread thread = new Thread(
                    () -> {
                        int seq = 0;
                        while (running.get()) {
                            List<String> names = new ArrayList<>();
                            for (int k = 0; k < 5; k++) names.add("Restart_" + sender + "_" + seq + "_" + k);
                            seq++;
                            try {
                                HttpResponse<String> r = http.send(
                                        HttpRequest.newBuilder(uri)
                                                .timeout(Duration.ofSeconds(10))
                                                .header("Content-Type", "application/json")
                                                .POST(HttpRequest.BodyPublishers.ofString(batch(names)))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString());
                                if (r.statusCode() / 100 == 2) acknowledged.addAll(names);
                                else failed.incrementAndGet();
                            } catch (IOException e) {
                                failed.incrementAndGet();
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "sender-" + t);
            thread.start();
            senders.add(thread);
        }
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 300);
            router.restart();
            int afterRestart = acknowledged.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= afterRestart + 300);
        } finally {
            running.set(false);
            for (Thread t : senders) t.join(15_000);
            router.close();
        }
        Set<String> received = intake.signals.stream().map(Signal::name).collect(Collectors.toSet());
        assertThat(failed.get()).as("some batches met the stopped router").isPositive();
        assertThat(received).containsAll(acknowledged);
    }

    private static String batch(List<String> names) {
        StringBuilder alerts = new StringBuilder();
        for (String n : names) {
            if (alerts.length() > 0) alerts.append(',');
            alerts.append("{\"status\":\"firing\",\"labels\":{\"alertname\":\"")
                    .append(n)
                    .append(
                            "\",\"severity\":\"critical\"},\"startsAt\":\"2024-05-01T10:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\"}");
        }
        return "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[" + alerts + "]}";
    }
}
