package io.opsrouter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
    final ExecutorService pool = Executors.newFixedThreadPool(8);
    final List<List<String>> writes = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aCallerAloneIsWrittenAtOnceAndReturnsAfterItsWrite() {
        GroupCommit<String> g = new GroupCommit<>(writes::add, 100);
        g.submit(List.of("a", "b"));
        assertThat(writes).containsExactly(List.of("a", "b"));
    }

    @Test
    void callersArrivingDuringAWriteShareTheNextTransactionInArrivalOrder() throws Exception {
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstWrite = new CountDownLatch(1);
        GroupCommit<String> g = new GroupCommit<>(items -> {
            if (items.contains("first")) {
                firstWriteStarted.countDown();
                hold(releaseFirstWrite);
            }
            writes.add(List.copyOf(items));
        }, 100);
        Future<?> first = pool.submit(() -> g.submit(List.of("first")));
        assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
        List<Future<?>> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String item = "later-" + i;
            later.add(pool.submit(() -> g.submit(List.of(item))));
            // each caller is queued before the next one starts, so the arrival order is known
            int queued = i + 1;
            await().atMost(Duration.ofSeconds(5)).until(() -> queuedCallers(g) == queued);
        }
        assertThat(later).noneMatch(Future::isDone);
        releaseFirstWrite.countDown();
        first.get(5, TimeUnit.SECONDS);
        for (Future<?> f : later) f.get(5, TimeUnit.SECONDS);
        assertThat(writes).containsExactly(List.of("first"), List.of("later-0", "later-1", "later-2", "later-3", "later-4"));
    }

    @Test
    void aGroupNeverExceedsMaxItemsUnlessOneCallerAloneDoes() throws Exception {
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstWrite = new CountDownLatch(1);
        GroupCommit<String> g = new GroupCommit<>(items -> {
            if (items.contains("first")) {
                firstWriteStarted.countDown();
                hold(releaseFirstWrite);
            }
            writes.add(List.copyOf(items));
        }, 3);
        Future<?> first = pool.submit(() -> g.submit(List.of("first")));
        assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
        List<List<String>> batches = List.of(List.of("a1", "a2"), List.of("b1", "b2"), List.of("c1", "c2", "c3", "c4"), List.of("d1"));
        List<Future<?>> later = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            List<String> b = batches.get(i);
            later.add(pool.submit(() -> g.submit(b)));
            int queued = i + 1;
            await().atMost(Duration.ofSeconds(5)).until(() -> queuedCallers(g) == queued);
        }
        releaseFirstWrite.countDown();
        first.get(5, TimeUnit.SECONDS);
        for (Future<?> f : later) f.get(5, TimeUnit.SECONDS);
        assertThat(writes).containsExactly(List.of("first"), List.of("a1", "a2"), List.of("b1", "b2"), List.of("c1", "c2", "c3", "c4"),
                List.of("d1"));
    }

    @Test
    void whenAGroupFailsEachCallerIsWrittenAloneAndOnlyTheBadOneFails() throws Exception {
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstWrite = new CountDownLatch(1);
        GroupCommit<String> g = new GroupCommit<>(items -> {
            if (items.contains("first")) {
                firstWriteStarted.countDown();
                hold(releaseFirstWrite);
            }
            if (items.contains("bad")) throw new IllegalStateException("cannot store bad");
            writes.add(List.copyOf(items));
        }, 100);
        Future<?> first = pool.submit(() -> g.submit(List.of("first")));
        assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
        Future<?> good1 = pool.submit(() -> g.submit(List.of("good-1")));
        await().atMost(Duration.ofSeconds(5)).until(() -> queuedCallers(g) == 1);
        Future<?> bad = pool.submit(() -> g.submit(List.of("bad")));
        await().atMost(Duration.ofSeconds(5)).until(() -> queuedCallers(g) == 2);
        Future<?> good2 = pool.submit(() -> g.submit(List.of("good-2")));
        await().atMost(Duration.ofSeconds(5)).until(() -> queuedCallers(g) == 3);
        releaseFirstWrite.countDown();
        first.get(5, TimeUnit.SECONDS);
        good1.get(5, TimeUnit.SECONDS);
        good2.get(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("cannot store bad");
        assertThat(writes).containsExactly(List.of("first"), List.of("good-1"), List.of("good-2"));
    }

    @Test
    void manyConcurrentCallersEachSeeTheirItemsWrittenExactlyOnce() throws Exception {
        GroupCommit<String> g = new GroupCommit<>(items -> writes.add(List.copyOf(items)), 50);
        List<Future<?>> all = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            all.add(pool.submit(() -> {
                for (int i = 0; i < 500; i++) {
                    String item = thread + ":" + i;
                    g.submit(List.of(item));
                    // returned, so it is written
                    assertThat(writes.stream().anyMatch(w -> w.contains(item))).isTrue();
                }
                return null;
            }));
        }
        for (Future<?> f : all) f.get(60, TimeUnit.SECONDS);
        List<String> flat = writes.stream().flatMap(List::stream).toList();
        assertThat(flat).hasSize(8 * 500).doesNotHaveDuplicates();
        assertThat(writes).allMatch(w -> w.size() <= 50);
        for (int t = 0; t < 8; t++) {
            String prefix = t + ":";
            List<Integer> order = flat.stream().filter(s -> s.startsWith(prefix)).map(s -> Integer.parseInt(s.substring(prefix.length()))).toList();
            assertThat(order).isSorted();
        }
    }

    private static int queuedCallers(GroupCommit<?> g) {
        return g.queued();
    }

    private static void hold(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("test latch not released");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
