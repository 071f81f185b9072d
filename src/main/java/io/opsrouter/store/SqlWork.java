package io.opsrouter.store;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of work on one connection inside one transaction. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection c) throws SQLException;
}
