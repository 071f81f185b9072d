package io.opsrouter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StateStore#afterCommit}: work that must wait until a transaction's rows are visible to others. */
class AfterCommitTest {
    @TempDir
    Path dataDir;

    StateStore store;
    final List<String> ran = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        store = StateStore.open("jdbc:h2:file:" + dataDir.resolve("router"), null, null, 4, dataDir);
    }

    @AfterEach
    void close() {
        store.close();
    }

    static void insert(Connection c, String key) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO router_meta (meta_key, meta_value, updated_at) VALUES (?, 'x', ?)")) {
            ps.setString(1, key);
            ps.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    boolean visible(String key) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM router_meta WHERE meta_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) == 1;
                }
            }
        });
    }

    @Test
    void aHookRunsOnceAfterTheCommitWhenTheRowsAreVisibleToOtherConnections() {
        Runnable hook = () -> ran.add("committed row visible: " + visible("k1"));
        store.inTransaction(c -> {
            insert(c, "k1");
            StateStore.afterCommit(hook);
            StateStore.afterCommit(hook);
            StateStore.afterCommit(() -> ran.add("second hook"));
            assertThat(ran).as("not before the commit").isEmpty();
            return null;
        });
        assertThat(ran).containsExactly("committed row visible: true", "second hook");
        store.inTransaction(c -> null);
        assertThat(ran).as("a later transaction does not run it again").hasSize(2);
    }

    @Test
    void anUnsettledCommitRunsItsHooksOnceWhenSettledNotBefore() {
        StateStore.Commit<String> commit = store.inTransactionUnsettled(c -> {
            insert(c, "k-unsettled");
            StateStore.afterCommit(() -> ran.add("hook"));
            return "result";
        });
        assertThat(ran).isEmpty();
        assertThat(commit.settle()).isEqualTo("result");
        assertThat(commit.settle()).isEqualTo("result");
        assertThat(ran).containsExactly("hook");
        assertThat(visible("k-unsettled")).isTrue();
    }

    @Test
    void aCommitThatNeedNotBeDurableRunsItsHooksOnReturnWithItsRowsVisible() {
        String result = store.inTransactionUndurable(c -> {
            insert(c, "k4");
            StateStore.afterCommit(() -> ran.add("committed row visible: " + visible("k4")));
            return "claimed";
        });
        assertThat(result).isEqualTo("claimed");
        assertThat(ran).containsExactly("committed row visible: true");
    }

    @Test
    void aRolledBackTransactionDropsItsHooks() {
        assertThatThrownBy(() -> store.inTransaction(c -> {
                    insert(c, "k2");
                    StateStore.afterCommit(() -> ran.add("rolled back"));
                    throw new IllegalStateException("boom");
                }))
                .hasMessage("boom");
        store.inTransaction(c -> null);
        assertThat(ran).isEmpty();
        assertThat(visible("k2")).isFalse();
    }

    @Test
    void aNestedTransactionRunsItsOwnHooksAtItsOwnCommit() {
        store.inTransaction(outer -> {
            insert(outer, "outer");
            StateStore.afterCommit(() -> ran.add("outer"));
            store.inTransaction(inner -> {
                insert(inner, "inner");
                StateStore.afterCommit(() -> ran.add("inner"));
                return null;
            });
            assertThat(ran)
                    .as("the inner transaction committed on its own connection")
                    .containsExactly("inner");
            StateStore.afterCommit(() -> ran.add("outer, after the inner one"));
            return null;
        });
        assertThat(ran).containsExactly("inner", "outer", "outer, after the inner one");
    }

    @Test
    void outsideATransactionAHookRunsAtOnce() {
        StateStore.afterCommit(() -> ran.add("now"));
        assertThat(ran).containsExactly("now");
    }

    @Test
    void aFailingHookNeitherUndoesTheCommitNorStopsTheOtherHooks() {
        Integer result = store.inTransaction(c -> {
            insert(c, "k3");
            StateStore.afterCommit(() -> {
                throw new IllegalStateException("hook failed");
            });
            StateStore.afterCommit(() -> ran.add("next hook"));
            return 7;
        });
        assertThat(result).isEqualTo(7);
        assertThat(ran).containsExactly("next hook");
        assertThat(visible("k3")).isTrue();
    }
}
