package io.opsrouter.backup;

import java.util.List;
import java.util.stream.Collectors;

/** Quoting for identifiers and literals in the SQL the backup builds from catalogue names. */
final class Sql {
    private Sql() {}

    static String ident(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static String columns(List<String> cols) {
        return cols.stream().map(Sql::ident).collect(Collectors.joining(", "));
    }
}
