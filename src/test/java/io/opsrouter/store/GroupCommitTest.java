package io.opsrouter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
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
        GroupCommit<String> g = new GroupCommit<>(settled(writes::add), 100);
        g.submit(List.of("a", "b"));
        assertThat(writes).containsExactly(List.of("a", "b"));
    }

    /** A group commit whose write of "first" waits until released, so callers queue behind it in a known order. */
    final class Held {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final GroupCommit<String> commit;
        final Future<?> first;

        Held(int maxItems) throws InterruptedException {
            this(maxItems, item -> false);
        }

        /** With one lane; items named "key:..." have that key, and {@code urgent} ones are written first. */
        Held(int maxItems, Predicate<String> urgent) throws InterruptedException {
            commit = new GroupCommit<>(
                    settled(items -> {
                        if (items.contains("first")) {
                            started.countDown();
                            hold(release);
                        }
                        if (items.contains("bad")) throw new IllegalStateException("cannot store bad");
                        writes.add(List.copyOf(items));
                    }),
                    maxItems,
                    1,
                    item -> item.contains(":") ? keyOf(item) : List.of(item),
                    urgent);
            first = pool.submit(() -> commit.submit(List.of("first")));
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        }

        /** Submits from another thread and returns once that caller waits in line. */
        Future<?> queue(List<String> items) {
            int before = commit.queued();
            Future<?> f = pool.submit(() -> commit.submit(items));
            await().atMost(Duration.ofSeconds(5)).until(() -> commit.queued() == before + 1);
            return f;
        }

        void releaseFirst() throws Exception {
            release.countDown();
            first.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void callersArrivingDuringAWriteShareTheNextTransactionInArrivalOrder() throws Exception {
        Held held = new Held(100);
        List<Future<?>> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) later.add(held.queue(List.of("later-" + i)));
        assertThat(later).noneMatch(Future::isDone);
        held.releaseFirst();
        for (Future<?> f : later) f.get(5, TimeUnit.SECONDS);
        assertThat(writes)
                .containsExactly(List.of("first"), List.of("later-0", "later-1", "later-2", "later-3", "later-4"));
    }

    @Test
    void anUrgentCallerIsWrittenNextInAGroupOfItsOwnAheadOfThoseQueuedBeforeIt() throws Exception {
        Held held = new Held(100, item -> item.endsWith("!"));
        List<Future<?>> later = List.of(
                held.queue(List.of("a:1", "b:1")),
                held.queue(List.of("c:1")),
                held.queue(List.of("d:1", "e:1!")),
                held.queue(List.of("f:1")));
        held.releaseFirst();
        for (Future<?> f : later) f.get(5, TimeUnit.SECONDS);
        assertThat(writes)
                .containsExactly(List.of("first"), List.of("d:1", "e:1!"), List.of("a:1", "b:1", "c:1", "f:1"));
    }

    @Test
    void anUrgentCallerDoesNotOvertakeAQueuedCallerWithAKeyInCommon() throws Exception {
        Held held = new Held(100, item -> item.endsWith("!"));
        List<Future<?>> later = List.of(
                held.queue(List.of("a:1")),
                held.queue(List.of("b:1")),
                held.queue(List.of("b:2!")),
                held.queue(List.of("c:1!")));
        held.releaseFirst();
        for (Future<?> f : later) f.get(5, TimeUnit.SECONDS);
        // "c:1!" goes first; "b:2!" shares key b with "b:1", queued before it, so it stays behind it
        assertThat(writes).containsExactly(List.of("first"), List.of("c:1!"), List.of("a:1", "b:1", "b:2!"));
    }

    @Test
    void aGroupNeverExceedsMaxItemsUnlessOneCallerAloneDoes() throws Exception {
        Held held = new Held(3);
        List<Future<?>> later = new ArrayList<>();
        for (List<String> b :
                List.of(List.of("a1", "a2"), List.of("b1", "b2"), List.of("c1", "c2", "c3", "c4"), List.of("d1"))) {
            later.add(held.queue(b));
        }
        held.releaseFirst();
        for (Future<?> f : later) f.get(5, TimeUnit.SECONDS);
        assertThat(writes)
                .containsExactly(
                        List.of("first"),
                        List.of("a1", "a2"),
                        List.of("b1", "b2"),
                        List.of("c1", "c2", "c3", "c4"),
                        List.of("d1"));
    }

    @Test
    void whenAGroupFailsEachCallerIsWrittenAloneAndOnlyTheBadOneFails() throws Exception {
        Held held = new Held(100);
        Future<?> good1 = held.queue(List.of("good-1"));
        Future<?> bad = held.queue(List.of("bad"));
        Future<?> good2 = held.queue(List.of("good-2"));
        held.releaseFirst();
        good1.get(5, TimeUnit.SECONDS);
        good2.get(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("cannot store bad");
        assertThat(writes).containsExactly(List.of("first"), List.of("good-1"), List.of("good-2"));
    }

    @Test
    void manyConcurrentCallersEachSeeTheirItemsWrittenExactlyOnce() throws Exception {
        GroupCommit<String> g = new GroupCommit<>(settled(items -> writes.add(List.copyOf(items))), 50);
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
            List<Integer> order = flat.stream()
                    .filter(s -> s.startsWith(prefix))
                    .map(s -> Integer.parseInt(s.substring(prefix.length())))
                    .toList();
            assertThat(order).isSorted();
        }
    }

    @Test
    void aCallerReturnsOnlyAfterItsGroupSettledWhileTheNextGroupIsWrittenMeanwhile() throws Exception {
        CountDownLatch firstWritten = new CountDownLatch(1);
        CountDownLatch settleFirst = new CountDownLatch(1);
        List<String> settled = new CopyOnWriteArrayList<>();
        GroupCommit<String> g = new GroupCommit<>(
                items -> {
                    writes.add(List.copyOf(items));
                    if (items.contains("first")) firstWritten.countDown();
                    return () -> {
                        if (items.contains("first")) hold(settleFirst);
                        settled.add(String.join(",", items));
                    };
                },
                100);
        Future<?> first = pool.submit(() -> g.submit(List.of("first")));
        assertThat(firstWritten.await(5, TimeUnit.SECONDS)).isTrue();
        // the first caller waits for its group to settle, and the writer's turn is free: the next caller is written at
        // once
        g.submit(List.of("second"));
        assertThat(writes).containsExactly(List.of("first"), List.of("second"));
        assertThat(first).isNotDone();
        assertThat(settled).containsExactly("second");
        settleFirst.countDown();
        first.get(5, TimeUnit.SECONDS);
        assertThat(settled).containsExactly("second", "first");
    }

    @Test
    void aSettleStepThatFailsFailsItsCaller() {
        GroupCommit<String> g = new GroupCommit<>(
                items -> () -> {
                    throw new StoreException("the commit could not be written to the file", null);
                },
                100);
        assertThatThrownBy(() -> g.submit(List.of("a"))).hasMessageContaining("could not be written");
    }

    /** Items "key:name": the key before the colon is what two lanes may not write at once. */
    static List<Object> keyOf(String item) {
        return List.of(item.substring(0, item.indexOf(':')));
    }

    /** Two lanes whose writes of items named "*:hold*" wait until released. */
    final class Lanes {
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> writing = new CopyOnWriteArrayList<>();
        final GroupCommit<String> commit = new GroupCommit<>(
                settled(items -> {
                    writing.addAll(items);
                    if (items.stream().anyMatch(i -> i.contains(":hold"))) hold(release);
                    writes.add(List.copyOf(items));
                }),
                100,
                2,
                GroupCommitTest::keyOf);

        Future<?> submit(String... items) {
            return pool.submit(() -> commit.submit(List.of(items)));
        }
    }

    @Test
    void withTwoLanesCallersWithNoKeyInCommonAreWrittenAtOnce() throws Exception {
        Lanes l = new Lanes();
        Future<?> a = l.submit("a:hold");
        await().atMost(Duration.ofSeconds(5)).until(() -> l.writing.contains("a:hold"));
        // the first lane is held: a caller with other keys is written in the second lane meanwhile
        Future<?> b = l.submit("b:hold");
        await().atMost(Duration.ofSeconds(5)).until(() -> l.writing.contains("b:hold"));
        assertThat(a).isNotDone();
        // both lanes busy: the next caller waits for one
        Future<?> c = l.submit("c:1");
        await().atMost(Duration.ofSeconds(5)).until(() -> l.commit.queued() == 1);
        l.release.countDown();
        for (Future<?> f : List.of(a, b, c)) f.get(5, TimeUnit.SECONDS);
        assertThat(writes.stream().flatMap(List::stream)).containsExactlyInAnyOrder("a:hold", "b:hold", "c:1");
    }

    @Test
    void withTwoLanesCallersSharingAKeyAreWrittenOneAfterTheOtherInArrivalOrder() throws Exception {
        Lanes l = new Lanes();
        Future<?> first = l.submit("a:hold");
        await().atMost(Duration.ofSeconds(5)).until(() -> l.writing.contains("a:hold"));
        // "a" is being written: a caller with key "a" waits, although the second lane is free, and so does a later
        // caller that shares a key ("b") with it, so that "b" keeps its order
        Future<?> second = l.submit("a:2", "b:2");
        await().atMost(Duration.ofSeconds(5)).until(() -> l.commit.queued() == 1);
        Future<?> third = l.submit("b:3");
        await().atMost(Duration.ofSeconds(5)).until(() -> l.commit.queued() == 2);
        assertThat(second).isNotDone();
        assertThat(third).isNotDone();
        l.release.countDown();
        for (Future<?> f : List.of(first, second, third)) f.get(5, TimeUnit.SECONDS);
        List<String> flat = writes.stream().flatMap(List::stream).toList();
        assertThat(flat).containsExactly("a:hold", "a:2", "b:2", "b:3");
    }

    @Test
    void withTwoLanesManyCallersSeeTheirItemsWrittenOnceAndPerKeyInOrder() throws Exception {
        GroupCommit<String> g =
                new GroupCommit<>(settled(items -> writes.add(List.copyOf(items))), 50, 2, GroupCommitTest::keyOf);
        List<Future<?>> all = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            all.add(pool.submit(() -> {
                for (int i = 0; i < 300; i++) {
                    // two threads per key: a key's items are written in the order their callers returned
                    g.submit(List.of((thread % 4) + ":" + thread + ":" + i));
                }
                return null;
            }));
        }
        for (Future<?> f : all) f.get(60, TimeUnit.SECONDS);
        List<String> flat = writes.stream().flatMap(List::stream).toList();
        assertThat(flat).hasSize(8 * 300).doesNotHaveDuplicates();
        for (int t = 0; t < 8; t++) {
            String prefix = (t % 4) + ":" + t + ":";
            List<Integer> order = flat.stream()
                    .filter(s -> s.startsWith(prefix))
                    .map(s -> Integer.parseInt(s.substring(prefix.length())))
                    .toList();
            assertThat(order).isSorted();
        }
    }

    /** A write whose commit is durable once it returns: its callers have nothing more to wait for. */
    static <T> Function<List<T>, Runnable> settled(Consumer<List<T>> write) {
        return items -> {
            write.accept(items);
            return () -> {};
        };
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
