package io.opsrouter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ElasticPoolTest {
    private ElasticPool pool;

    @AfterEach
    void stop() {
        if (pool != null) pool.shutdownNow();
    }

    private static ElasticPool pool(int max, int queue, Duration keepAlive) {
        return ElasticPool.create(max, queue, keepAlive, r -> {
            Thread t = new Thread(r, "elastic-test");
            t.setDaemon(true);
            return t;
        });
    }

    @Test
    void startsAThreadOnlyWhenEveryThreadIsBusy() throws Exception {
        pool = pool(16, 100, Duration.ofMinutes(1));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            pool.execute(() -> {
                running.countDown();
                hold(release);
            });
        }
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.getPoolSize()).isEqualTo(3);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.getActiveCount() == 0);

        // one task at a time: an idle thread takes each, none starts
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 20; i++) {
            CountDownLatch done = new CountDownLatch(1);
            pool.execute(() -> {
                ran.add(Thread.currentThread());
                done.countDown();
            });
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.getActiveCount() == 0);
        }
        assertThat(pool.getPoolSize()).isEqualTo(3);
        assertThat(pool.getLargestPoolSize()).isEqualTo(3);
    }

    @Test
    void beyondItsThreadsTasksWaitTheirTurnAndAFullQueueRefuses() throws Exception {
        pool = pool(2, 2, Duration.ofMinutes(1));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            pool.execute(() -> {
                hold(release);
                finished.countDown();
            });
        }
        assertThat(pool.getPoolSize()).isEqualTo(2);
        assertThat(pool.getQueue()).hasSize(2);
        assertThatThrownBy(() -> pool.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
        release.countDown();
        assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.getLargestPoolSize()).isEqualTo(2);
    }

    @Test
    void idleThreadsEnd() throws Exception {
        pool = pool(4, 10, Duration.ofMillis(50));
        CountDownLatch done = new CountDownLatch(1);
        pool.execute(done::countDown);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPoolSize() == 0);
        CountDownLatch again = new CountDownLatch(1);
        pool.execute(again::countDown);
        assertThat(again.await(10, TimeUnit.SECONDS)).isTrue();
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
