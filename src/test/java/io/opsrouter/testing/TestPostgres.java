package io.opsrouter.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A real PostgreSQL for tests: {@code TEST_PG_URL} (with {@code TEST_PG_USER}, {@code TEST_PG_PASSWORD}) if set,
 * else {@code localhost:5432} as {@code postgres}; where none answers and the user is not root, an embedded
 * server (zonky). Never skips: when no server can be had, the test fails saying how to provide one.
 * Each caller gets a fresh database of its own, dropped on close.
 */
public final class TestPostgres {
    private static volatile Server server;

    private TestPostgres() {}

    public record Server(String adminUrl, String user, String password, String jdbcPrefix) {}

    /** A fresh, empty database; close it to drop it. */
    public record Database(String name, String url, String user, String password) implements AutoCloseable {
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        @Override
        public void close() {
            Server s = server();
            try (Connection c = DriverManager.getConnection(s.adminUrl(), s.user(), s.password());
                    Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                // a database left behind is harmless: its name is unique
            }
        }
    }

    public static synchronized Server server() {
        if (server != null) return server;
        String url = env("TEST_PG_URL", "jdbc:postgresql://localhost:5432/postgres");
        String user = env("TEST_PG_USER", "postgres");
        String password = env("TEST_PG_PASSWORD", "");
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            c.isValid(2);
            server = new Server(url, user, password, url.substring(0, url.lastIndexOf('/') + 1));
            return server;
        } catch (SQLException e) {
            if (!"root".equals(System.getProperty("user.name"))) {
                server = Embedded.start();
                return server;
            }
            throw new AssertionError("No PostgreSQL answers at " + url + " as " + user + " (" + e.getMessage() + "). "
                    + "Start one (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set TEST_PG_URL, "
                    + "TEST_PG_USER and TEST_PG_PASSWORD; as a non-root user an embedded server is started instead.");
        }
    }

    public static Database createDatabase(String prefix) {
        Server s = server();
        String name =
                (prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10)).toLowerCase();
        try (Connection c = DriverManager.getConnection(s.adminUrl(), s.user(), s.password());
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new AssertionError("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return new Database(name, s.jdbcPrefix() + name, s.user(), s.password());
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Kept apart so that zonky's classes load only when no server answers. */
    private static final class Embedded {
        static Server start() {
            try {
                io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg =
                        io.zonky.test.db.postgres.embedded.EmbeddedPostgres.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (java.io.IOException ignored) {
                        // the process is ending
                    }
                }));
                String url = pg.getJdbcUrl("postgres", "postgres");
                return new Server(url, "postgres", "", url.substring(0, url.lastIndexOf('/') + 1));
            } catch (java.io.IOException e) {
                throw new AssertionError(
                        "no PostgreSQL answered and the embedded one did not start: " + e.getMessage(), e);
            }
        }
    }
}
