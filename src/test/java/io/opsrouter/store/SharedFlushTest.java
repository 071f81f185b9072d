package io.opsrouter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link SharedFlush}: a commit waits for a checkpoint begun after it; one checkpoint serves everyone before it. */
class SharedFlushTest {
    final ExecutorService pool = Executors.newFixedThreadPool(6);
    final AtomicInteger checkpoints = new AtomicInteger();
    volatile CountDownLatch hold = new CountDownLatch(0);
    volatile boolean failing;

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void commitsMadeWhileACheckpointRunsShareTheNextOne() throws Exception {
        SharedFlush flush = new SharedFlush(checkpointCounting());
        hold = new CountDownLatch(1);
        long firstTicket = flush.committed();
        Future<?> first = pool.submit(() -> flush.await(firstTicket));
        await().atMost(Duration.ofSeconds(5)).until(() -> checkpoints.get() == 1);
        List<Future<?>> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long ticket = flush.committed();
            later.add(pool.submit(() -> flush.await(ticket)));
        }
        // the running checkpoint began before these commits: it cannot cover them
        assertThat(later).noneMatch(Future::isDone);
        hold.countDown();
        first.get(5, TimeUnit.SECONDS);
        for (Future<?> f : later) f.get(5, TimeUnit.SECONDS);
        assertThat(checkpoints.get()).isEqualTo(2);
    }

    @Test
    void aCommitAlreadyWrittenWaitsForNothing() {
        SharedFlush flush = new SharedFlush(checkpointCounting());
        long a = flush.committed();
        long b = flush.committed();
        flush.await(b);
        flush.await(a);
        assertThat(checkpoints.get()).isEqualTo(1);
    }

    @Test
    void aFailedCheckpointFailsItsWaitersAndTheNextOneIsTriedAgain() {
        SharedFlush flush = new SharedFlush(checkpointCounting());
        failing = true;
        long ticket = flush.committed();
        assertThatThrownBy(() -> flush.await(ticket))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("disk full");
        failing = false;
        flush.await(ticket);
        assertThat(checkpoints.get()).isEqualTo(2);
    }

    /** A data source whose connections only run CHECKPOINT: counted, held while {@link #hold} is up, failing on demand. */
    DataSource checkpointCounting() {
        Statement statement = proxy(Statement.class, (method, args) -> switch (method) {
            case "execute" -> {
                assertThat(args[0]).isEqualTo("CHECKPOINT");
                checkpoints.incrementAndGet();
                if (!hold.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("test latch not released");
                if (failing) throw new SQLException("disk full");
                yield false;
            }
            case "close" -> null;
            default -> throw new UnsupportedOperationException(method);
        });
        Connection connection = proxy(Connection.class, (method, args) -> switch (method) {
            case "createStatement" -> statement;
            case "close" -> null;
            default -> throw new UnsupportedOperationException(method);
        });
        return new DataSource() {
            public Connection getConnection() {
                return connection;
            }

            public Connection getConnection(String u, String p) {
                return connection;
            }

            public PrintWriter getLogWriter() {
                return null;
            }

            public void setLogWriter(PrintWriter out) {}

            public void setLoginTimeout(int seconds) {}

            public int getLoginTimeout() {
                return 0;
            }

            public Logger getParentLogger() {
                return Logger.getGlobal();
            }

            public <T> T unwrap(Class<T> iface) {
                throw new UnsupportedOperationException();
            }

            public boolean isWrapperFor(Class<?> iface) {
                return false;
            }
        };
    }

    interface Answer {
        Object answer(String method, Object[] args) throws Exception;
    }

    static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(
                type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> answer.answer(m.getName(), args)));
    }
}
