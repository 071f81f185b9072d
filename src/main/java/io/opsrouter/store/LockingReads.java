package io.opsrouter.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Prepares the {@code SELECT ... FOR UPDATE} statements the intake runs in every transaction. H2 keeps such
 * statements out of its per-session query cache and parses them again on every {@code prepareStatement}, which
 * took about 6 % of the CPU in {@code bench/alerts}. On H2 one prepared statement per physical connection and SQL
 * text is kept and reused; what the caller gets is a view whose {@code close()} only clears the parameters.
 * PostgreSQL prepares as usual: pgjdbc keeps its server-side statements per connection itself.
 */
public final class LockingReads {
    /** By physical connection. Its statements refer to it, so an entry is dropped only when its connection is closed. */
    private static final Map<Connection, Map<String, PreparedStatement>> PREPARED = new IdentityHashMap<>();

    private LockingReads() {}

    public static PreparedStatement prepare(Connection c, Dialect dialect, String sql) throws SQLException {
        if (dialect != Dialect.H2) return c.prepareStatement(sql);
        Connection physical = c.unwrap(Connection.class);
        // a pooled connection is used by one thread at a time, so its own map needs no lock
        Map<String, PreparedStatement> mine = forConnection(physical);
        PreparedStatement ps = mine.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = physical.prepareStatement(sql);
            mine.put(sql, ps);
        }
        return reusable(ps);
    }

    private static Map<String, PreparedStatement> forConnection(Connection physical) throws SQLException {
        synchronized (PREPARED) {
            Map<String, PreparedStatement> mine = PREPARED.get(physical);
            if (mine == null) {
                PREPARED.keySet().removeIf(LockingReads::closed);
                mine = new HashMap<>();
                PREPARED.put(physical, mine);
            }
            return mine;
        }
    }

    private static boolean closed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** Held by one caller in a try-with-resources; closing it keeps the statement for the next caller. */
    private static PreparedStatement reusable(PreparedStatement ps) {
        return (PreparedStatement) Proxy.newProxyInstance(
                LockingReads.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        ps.clearParameters();
                        return null;
                    }
                    try {
                        return method.invoke(ps, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Whether statements are kept for this physical connection, for tests. */
    static boolean holds(Connection physical) {
        synchronized (PREPARED) {
            return PREPARED.containsKey(physical);
        }
    }
}
