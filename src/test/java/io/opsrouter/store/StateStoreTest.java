package io.opsrouter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The same migrations and SQL on the embedded H2 store and on a real PostgreSQL. */
class StateStoreTest {
    private static TestPostgres.Database pg;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void database() {
        pg = TestPostgres.createDatabase("store");
    }

    @AfterAll
    static void drop() {
        pg.close();
    }

    private StateStore open(Dialect dialect) {
        return TestStores.open(dialect, dataDir.resolve("router"), pg, 4);
    }

    /** A store migrated before a lower-numbered migration of another concern existed (V15 after V30) takes it. */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aMigrationNumberedBelowTheAppliedOnesIsStillApplied(Dialect dialect) {
        try (StateStore store = open(dialect)) {
            store.inTransaction(c -> {
                try (var st = c.createStatement()) {
                    st.execute("DROP TABLE event_nonces");
                    st.execute("DELETE FROM flyway_schema_history WHERE \"version\" = '15'");
                }
                return null;
            });
        }
        try (StateStore store = open(dialect)) {
            long rows = store.read(c -> {
                try (var st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM event_nonces")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertThat(rows).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void migratesToTheNewestSchema(Dialect dialect) {
        try (StateStore store = open(dialect)) {
            assertThat(store.dialect()).isEqualTo(dialect);
            List<String> tables = store.read(c -> {
                List<String> names = new ArrayList<>();
                try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                    while (rs.next()) names.add(rs.getString("TABLE_NAME").toLowerCase());
                }
                return names;
            });
            assertThat(tables).contains("router_meta", "leases", "outbox", "flyway_schema_history");
            assertThat(store.isReachable()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void stateSurvivesARestart(Dialect dialect) {
        String key = "restart-" + dialect;
        try (StateStore store = open(dialect)) {
            store.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO router_meta (meta_key, meta_value, updated_at) VALUES (?, ?, ?)")) {
                    ps.setString(1, key);
                    ps.setString(2, "kept");
                    ps.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
                    return ps.executeUpdate();
                }
            });
        }
        try (StateStore store = open(dialect)) {
            String value = store.read(c -> {
                try (PreparedStatement ps =
                        c.prepareStatement("SELECT meta_value FROM router_meta WHERE meta_key = ?")) {
                    ps.setString(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getString(1) : null;
                    }
                }
            });
            assertThat(value).isEqualTo("kept");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aFailedTransactionLeavesNothing(Dialect dialect) {
        String key = "rolled-back-" + dialect;
        try (StateStore store = open(dialect)) {
            assertThatThrownBy(() -> store.inTransaction(c -> {
                        try (PreparedStatement ps = c.prepareStatement(
                                "INSERT INTO router_meta (meta_key, meta_value, updated_at) VALUES (?, 'x', ?)")) {
                            ps.setString(1, key);
                            ps.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
                            ps.executeUpdate();
                        }
                        throw new IllegalStateException("boom");
                    }))
                    .hasMessage("boom");
            int rows = store.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM router_meta WHERE meta_key = ?")) {
                    ps.setString(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getInt(1);
                    }
                }
            });
            assertThat(rows).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aLeaseHasOneHolderUntilItExpires(Dialect dialect) {
        try (StateStore store = open(dialect)) {
            Leases a = new Leases(store, "replica-a");
            Leases b = new Leases(store, "replica-b");
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            String name = "sweep-" + dialect + "-" + System.nanoTime();
            assertThat(a.tryAcquire(name, Duration.ofSeconds(30), t0)).isTrue();
            assertThat(b.tryAcquire(name, Duration.ofSeconds(30), t0.plusSeconds(10)))
                    .isFalse();
            assertThat(a.tryAcquire(name, Duration.ofSeconds(30), t0.plusSeconds(20)))
                    .as("the holder renews")
                    .isTrue();
            assertThat(b.tryAcquire(name, Duration.ofSeconds(30), t0.plusSeconds(45)))
                    .as("still renewed")
                    .isFalse();
            assertThat(b.tryAcquire(name, Duration.ofSeconds(30), t0.plusSeconds(51)))
                    .as("expired")
                    .isTrue();
            b.release(name);
            assertThat(a.tryAcquire(name, Duration.ofSeconds(30), t0.plusSeconds(52)))
                    .isTrue();
        }
    }

    @org.junit.jupiter.api.Test
    void unreachablePostgresIsAClearErrorWithoutThePassword() {
        assertThatThrownBy(() -> StateStore.open("jdbc:postgresql://127.0.0.1:1/none", "x", "secret-pw", 1, null))
                .hasMessageContaining("ROUTER_DB_URL")
                .hasMessageContaining("cannot be opened")
                .hasMessageNotContaining("secret-pw");
    }

    @org.junit.jupiter.api.Test
    void anEmbeddedStoreUserThatCannotCheckpointStopsStartUpNamingTheUser() throws Exception {
        String url = "jdbc:h2:file:" + dataDir.resolve("router");
        try (StateStore owner = StateStore.open(url, null, null, 2, dataDir)) {
            owner.inTransaction(c -> c.createStatement()
                    .executeUpdate("CREATE USER reader PASSWORD 'pw'; GRANT ALL ON SCHEMA public TO reader"));
        }
        assertThatThrownBy(() -> StateStore.open(url, "reader", "pw", 2, dataDir))
                .hasMessageContaining("ROUTER_DB_USER")
                .hasMessageContaining("cannot write its commits to the file")
                .hasMessageNotContaining("pw'");
    }
}
