package io.opsrouter.backup;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The statement shapes a schema entry may hold: those pg_dump ({@code --schema-only --no-owner --no-privileges}) and
 * the catalogue extract write for tables, sequences, types, views, trusted-language functions, keys, indexes, triggers
 * and policies. Anything else ({@code COPY … PROGRAM}, {@code DO}, {@code ALTER SYSTEM}, role changes, functions in
 * untrusted languages, dangerous server functions in any body) is refused before restore touches the target.
 */
final class SchemaAllowList {
    private static final String ID = "(?:\"[^\"]*\"|[A-Z_][A-Z0-9_$]*)";
    private static final String QNAME = ID + "(?:\\." + ID + ")*";
    private static final Set<String> SETTINGS = Set.of(
            "STATEMENT_TIMEOUT",
            "LOCK_TIMEOUT",
            "IDLE_IN_TRANSACTION_SESSION_TIMEOUT",
            "TRANSACTION_TIMEOUT",
            "CLIENT_ENCODING",
            "STANDARD_CONFORMING_STRINGS",
            "CHECK_FUNCTION_BODIES",
            "XMLOPTION",
            "CLIENT_MIN_MESSAGES",
            "ROW_SECURITY",
            "DEFAULT_TABLESPACE",
            "DEFAULT_TABLE_ACCESS_METHOD",
            "DEFAULT_WITH_OIDS");
    /** Extensions that reach the server's files, programs or other servers, or add untrusted languages. */
    static final Set<String> DENIED_EXTENSIONS = Set.of(
            "plpython3u",
            "plpythonu",
            "plpython2u",
            "plperlu",
            "pltclu",
            "adminpack",
            "file_fdw",
            "dblink",
            "postgres_fdw",
            "plsh");

    private static final Set<String> TRUSTED_LANGUAGES = Set.of("SQL", "PLPGSQL");

    private static final Pattern SET =
            Pattern.compile("SET (" + ID + ") (?:=|TO) (?:''|[A-Z0-9_.]+)(?:, ?(?:''|[A-Z0-9_.]+))*");
    private static final Pattern SEARCH_PATH =
            Pattern.compile("SELECT pg_catalog\\.set_config\\('search_path', '', false\\)");
    private static final Pattern EXTENSION =
            Pattern.compile("(?i)^CREATE EXTENSION (?:IF NOT EXISTS )?\"?([A-Za-z0-9_]+)\"?");
    private static final Pattern LANGUAGE = Pattern.compile("\\bLANGUAGE (\"?[A-Z0-9_]+\"?)");
    private static final List<Pattern> ALLOWED = Stream.of(
                    "CREATE SCHEMA (?:IF NOT EXISTS )?" + ID,
                    "CREATE EXTENSION (?:IF NOT EXISTS )?" + ID + "(?: WITH)?(?: SCHEMA " + ID + ")?(?: VERSION (?:''|"
                            + ID + "))?",
                    "COMMENT ON .* IS (?:''|NULL)",
                    "CREATE TYPE " + QNAME + "(?: AS (?:ENUM ?\\(|RANGE ?\\(|\\().*)?",
                    "CREATE DOMAIN " + QNAME + " AS .*",
                    "CREATE (?:OR REPLACE )?(?:FUNCTION|PROCEDURE|AGGREGATE) " + QNAME + " ?\\(.*",
                    "CREATE (?:UNLOGGED )?TABLE " + QNAME + " ?(?:\\(|PARTITION OF |OF ).*",
                    "CREATE SEQUENCE " + QNAME + "(?: .*)?",
                    "ALTER SEQUENCE " + QNAME + " OWNED BY " + QNAME,
                    "CREATE (?:OR REPLACE )?VIEW " + QNAME + " .*",
                    "CREATE MATERIALIZED VIEW " + QNAME + " .* WITH NO DATA",
                    "CREATE (?:UNIQUE )?INDEX .*",
                    "CREATE (?:CONSTRAINT )?TRIGGER .* EXECUTE (?:FUNCTION|PROCEDURE) .*",
                    "CREATE POLICY .*",
                    "CREATE STATISTICS .*",
                    "ALTER TABLE (?:ONLY )?" + QNAME + " (?:ADD CONSTRAINT|ALTER COLUMN " + ID
                            + " (?:SET DEFAULT|ADD GENERATED|SET STATISTICS|SET STORAGE"
                            + "|SET COMPRESSION|SET \\()|ATTACH PARTITION|ENABLE ROW LEVEL SECURITY|FORCE ROW LEVEL SECURITY|CLUSTER ON|REPLICA IDENTITY"
                            + "|(?:ENABLE|DISABLE)(?: ALWAYS| REPLICA)? TRIGGER|INHERIT|SET \\().*",
                    "ALTER INDEX " + QNAME + " ATTACH PARTITION " + QNAME)
            .map(Pattern::compile)
            .toList();

    /** Named refusals, checked first so the message says what the statement would have done. */
    private static final List<Refusal> REFUSALS = List.of(
            new Refusal(
                    "COPY … PROGRAM (runs a program on the database host)",
                    Pattern.compile("\\bCOPY\\b.*\\bPROGRAM\\b")),
            new Refusal("COPY (reads or writes server files)", Pattern.compile("^COPY\\b")),
            new Refusal("DO block (runs code)", Pattern.compile("^DO\\b")),
            new Refusal("ALTER SYSTEM (changes the server's configuration)", Pattern.compile("\\bALTER SYSTEM\\b")),
            new Refusal(
                    "role change",
                    Pattern.compile("\\b(?:CREATE|ALTER|DROP) (?:ROLE|USER|GROUP)\\b|\\bSET (?:SESSION |LOCAL )?ROLE\\b"
                            + "|\\bSESSION[ _]AUTHORIZATION\\b|\\bGRANT\\b|\\bREVOKE\\b")),
            new Refusal(
                    "server file or network access",
                    Pattern.compile("\\b(?:PG_READ_FILE|PG_READ_BINARY_FILE|PG_LS_DIR|PG_STAT_FILE|LO_IMPORT"
                            + "|LO_EXPORT|DBLINK\\w*|PG_FILE_WRITE)\\b")));

    private static final Pattern COPY_IN_BODY = Pattern.compile("\\bCOPY\\b");

    private record Refusal(String what, Pattern pattern) {}

    private SchemaAllowList() {}

    /** Throws naming the entry and the first statement a backup never writes. */
    static void check(String entry, SchemaScript script) {
        check(entry, script.preamble);
        for (SchemaScript.Block b : script.blocks) check(entry, b.sql());
    }

    static void check(String entry, String sql) {
        for (SqlStatements.Statement s : SqlStatements.split(sql)) {
            String problem = problem(s);
            if (problem != null) {
                throw new ArchiveReader.Refused(
                        "forbidden",
                        entry,
                        "refused statement \"" + excerpt(s.text()) + "\" (" + problem
                                + "): a backup never writes it; nothing was restored");
            }
        }
    }

    /** Null when the statement is one a backup writes; otherwise what is wrong with it. */
    static String problem(SqlStatements.Statement s) {
        String shape = s.shape();
        String unquoted = shape.replaceAll("\"[^\"]*\"", "\"\"");
        for (Refusal r : REFUSALS) {
            if (r.pattern().matcher(unquoted).find()) return r.what();
            if (r.pattern().matcher(s.bodies()).find()) return r.what() + " inside a function body";
        }
        if (COPY_IN_BODY.matcher(s.bodies()).find())
            return "COPY inside a function body (reads or writes server files)";
        if (shape.startsWith("SELECT ")) return SEARCH_PATH.matcher(s.text()).matches() ? null : "a query (runs code)";
        if (shape.startsWith("SET ")) {
            Matcher m = SET.matcher(shape);
            return m.matches() && SETTINGS.contains(m.group(1)) ? null : "a setting a backup never changes";
        }
        Matcher ext = EXTENSION.matcher(s.text());
        if (ext.find() && DENIED_EXTENSIONS.contains(ext.group(1).toLowerCase(Locale.ROOT))) {
            return "extension " + ext.group(1) + " (reaches the server's files, programs or other servers)";
        }
        if (shape.matches("CREATE (?:OR REPLACE )?(?:FUNCTION|PROCEDURE|AGGREGATE) .*")
                && !shape.startsWith("CREATE AGGREGATE")) {
            Matcher lang = LANGUAGE.matcher(shape);
            if (!lang.find()) return "a function without a language";
            do {
                String l = lang.group(1).replace("\"", "");
                if (!TRUSTED_LANGUAGES.contains(l))
                    return "a function in language " + l.toLowerCase(Locale.ROOT) + " (not sql or plpgsql)";
            } while (lang.find());
        }
        for (Pattern p : ALLOWED) if (p.matcher(shape).matches()) return null;
        return "not a statement pg_dump or the catalogue extract writes";
    }

    private static String excerpt(String text) {
        String one = text.replaceAll("\\s+", " ").strip();
        return one.length() <= 120 ? one : one.substring(0, 117) + "...";
    }
}
