package io.opsrouter.probe;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The monitored PostgreSQL ({@code TARGET_DB_URL}, {@code TARGET_DB_USER}, {@code TARGET_DB_PASSWORD}): a small
 * read-only pool. Every query runs in a transaction with {@code statement_timeout} set to the monitor's timeout,
 * so a long query is cancelled by the server, and is rolled back.
 */
public final class TargetDb implements AutoCloseable {
    public static final String URL_ENV = "TARGET_DB_URL";
    public static final String USER_ENV = "TARGET_DB_USER";
    public static final String PASSWORD_ENV = "TARGET_DB_PASSWORD";

    private final HikariDataSource pool;

    public TargetDb(String url, String user, String password, int poolSize) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        if (user != null) c.setUsername(user);
        if (password != null) c.setPassword(password);
        c.setMaximumPoolSize(poolSize);
        c.setMinimumIdle(0);
        c.setReadOnly(true);
        c.setAutoCommit(false);
        c.setConnectionTimeout(3000);
        c.setInitializationFailTimeout(-1);
        c.setPoolName("target-db");
        c.addDataSourceProperty("ApplicationName", "ops-router-probe");
        this.pool = new HikariDataSource(c);
    }

    public static TargetDb fromEnv(io.opsrouter.config.Env env, int poolSize) {
        String url = env.get(URL_ENV).orElseThrow();
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new io.opsrouter.config.SettingsException(
                    "environment",
                    URL_ENV,
                    "'" + url.replaceAll("password=[^&]*", "password=***") + "' is not a PostgreSQL JDBC URL",
                    "write it like jdbc:postgresql://db.example.com:5432/postgres");
        }
        return new TargetDb(
                url, env.get(USER_ENV).orElse(null), env.get(PASSWORD_ENV).orElse(null), poolSize);
    }

    /** Runs a query that returns one row and gives each column as a number, named by its lower-case label. */
    /**
     * Runs {@code sql} as a probe: its one row, shaped by {@code values}, is the observation; a failure, a refused
     * write or the timeout is a failed observation naming why.
     */
    public Observation observe(
            String sql, Duration timeout, java.util.function.UnaryOperator<Map<String, Double>> values) {
        long start = System.nanoTime();
        try {
            return Observation.values(HttpProber.since(start), values.apply(oneRow(sql, timeout)));
        } catch (SQLException e) {
            return Observation.failed(HttpProber.since(start), describe(e, timeout));
        } catch (ProbeException e) {
            return Observation.failed(HttpProber.since(start), e.getMessage());
        } catch (RuntimeException e) {
            return Observation.failed(HttpProber.since(start), HttpProber.describe(e, timeout));
        }
    }

    public Map<String, Double> oneRow(String sql, Duration timeout) throws SQLException, ProbeException {
        try (Connection c = pool.getConnection()) {
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL statement_timeout = " + Math.max(1, timeout.toMillis()));
                st.setQueryTimeout((int) Math.max(1, timeout.toSeconds() + 2));
                try (ResultSet rs = st.executeQuery(sql)) {
                    if (!rs.next()) throw new ProbeException("the query returned no row");
                    ResultSetMetaData md = rs.getMetaData();
                    Map<String, Double> values = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        String name = md.getColumnLabel(i).toLowerCase(Locale.ROOT);
                        Object o = rs.getObject(i);
                        values.put(name, number(name, o));
                    }
                    return values;
                }
            } finally {
                c.rollback();
            }
        }
    }

    private static Double number(String name, Object o) throws ProbeException {
        if (o == null) return Double.NaN;
        if (o instanceof Number n) return n.doubleValue();
        if (o instanceof Boolean b) return b ? 1.0 : 0.0;
        try {
            return Double.parseDouble(o.toString().trim());
        } catch (NumberFormatException e) {
            throw new ProbeException("column " + name + " is not a number: " + Condition.abbreviate(o.toString()));
        }
    }

    static String describe(SQLException e, Duration timeout) {
        if ("57014".equals(e.getSQLState()))
            return "query cancelled after " + io.opsrouter.config.Durations.format(timeout);
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "query failed: " + msg.replaceAll("\\s+", " ");
    }

    @Override
    public void close() {
        pool.close();
    }

    /** A probe-level failure with a message for people. */
    public static final class ProbeException extends Exception {
        public ProbeException(String message) {
            super(message);
        }
    }
}
