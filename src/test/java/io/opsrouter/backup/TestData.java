package io.opsrouter.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.opsrouter.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A small copy of the production schema: customers, calls (text-heavy), events, settings; NULLs, unicode, bytea, jsonb. */
final class TestData {
    private TestData() {}

    static final String WORDS =
            "the drain backed up again in the basement and the customer asked for an emergency visit before "
                    + "midnight because water was rising near the furnace; technician noted root intrusion in the main sewer line, recommended "
                    + "hydro jetting and a camera inspection, quoted replacement of the cleanout cap and scheduled a follow up call with the "
                    + "office manager who confirmed the address, gate code and that a dog will be in the yard";

    static void createSchema(TestPostgres.Database db) throws SQLException {
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA extensions; CREATE EXTENSION citext WITH SCHEMA extensions");
            st.execute("""
                CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL, email text UNIQUE, phone text,
                    notes text, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
                CREATE TABLE calls (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers(id), priority int,
                    transcript text, payload jsonb, audio bytea, updated_at timestamptz NOT NULL DEFAULT now());
                CREATE INDEX calls_customer ON calls (customer_id);
                CREATE TABLE call_events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, call_id bigint NOT NULL REFERENCES calls(id),
                    kind text NOT NULL, detail text, created_at timestamptz NOT NULL DEFAULT now());
                CREATE INDEX call_events_kind ON call_events (kind, created_at);
                CREATE TABLE settings_kv (key text PRIMARY KEY, value text, label extensions.citext);
                CREATE TABLE ticks (seq bigint PRIMARY KEY, note text);
                CREATE TABLE tick_counter (id int PRIMARY KEY, value bigint NOT NULL);
                INSERT INTO tick_counter VALUES (1, 0);
                CREATE SEQUENCE invoice_numbers START 1000;
                SELECT nextval('invoice_numbers'); SELECT nextval('invoice_numbers');
                """);
            st.execute("""
                INSERT INTO customers (name, email, phone, notes, created_at)
                SELECT CASE WHEN g % 7 = 0 THEN 'Zoë Ünïcødé 東京 🚰 ' || g ELSE 'Customer ' || g END,
                       CASE WHEN g % 5 = 0 THEN NULL ELSE 'c' || g || '@example.com' END,
                       '+1555' || lpad(g::text, 7, '0'),
                       CASE WHEN g % 3 = 0 THEN NULL ELSE E'tab\\there, newline\\nthere, back\\\\slash ' || g END,
                       now() - (g || ' minutes')::interval
                FROM generate_series(1, 2000) g
                """);
            st.execute(
                    "INSERT INTO settings_kv VALUES ('greeting', 'Hello – “quoted” ☎', 'Mixed Case'), ('empty', '', NULL), ('null', NULL, 'x')");
        }
        addCalls(db, 1, 3000);
    }

    /** Adds text-heavy calls (about 1.3 KB each) with events. */
    static void addCalls(TestPostgres.Database db, int from, int to) throws SQLException {
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO calls (customer_id, priority, transcript, payload, audio) SELECT "
                    + "CASE WHEN g % 11 = 0 THEN NULL ELSE 1 + g % 2000 END, CASE WHEN g % 13 = 0 THEN NULL ELSE g % 3 END, "
                    + "g || ': ' || substr(repeat('" + WORDS + " ', 4), 1 + (g * 37) % 300, 1000 + (g * 7) % 400), "
                    + "jsonb_build_object('call', g, 'tags', jsonb_build_array('p' || g % 3, 'zoë'), 'nested', jsonb_build_object('ok', g % 2 = 0)), "
                    + "CASE WHEN g % 4 = 0 THEN NULL ELSE decode(md5(g::text) || '00ff5c0a', 'hex') END "
                    + "FROM generate_series(" + from + ", " + to + ") g");
            st.execute(
                    "INSERT INTO call_events (call_id, kind, detail) SELECT id, CASE WHEN id % 2 = 0 THEN 'answered' ELSE 'sms' END, "
                            + "CASE WHEN id % 9 = 0 THEN NULL ELSE 'event for call ' || id END FROM calls WHERE id >= "
                            + from + " AND id <= " + to);
        }
    }

    /** Per table: row count and md5 over the rows in a fixed order. */
    static Map<String, String> fingerprints(TestPostgres.Database db) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = db.connect();
                Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery(
                        "SELECT count(*), md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) FROM public."
                                + t + " x")) {
                    rs.next();
                    out.put(t, rs.getLong(1) + ":" + rs.getString(2));
                }
            }
            try (ResultSet rs =
                    st.executeQuery("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")) {
                while (rs.next()) out.put("seq:" + rs.getString(1), String.valueOf(rs.getLong(2)));
            }
        }
        return out;
    }

    static BackupSettings settings(Path home, String yaml) {
        try {
            var node = new ObjectMapper(new YAMLFactory()).readTree(yaml.isBlank() ? "{}" : yaml);
            return BackupSettings.parse(home, node);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static SourceDb source(TestPostgres.Database db) {
        return new SourceDb(db.url(), db.user(), db.password());
    }

    static io.opsrouter.config.Env env(TestPostgres.Database db, Map<String, String> more) {
        Map<String, String> m = new java.util.HashMap<>();
        m.put(SourceDb.URL, db.url());
        m.put(SourceDb.USER, db.user());
        if (db.password() != null) m.put(SourceDb.PASSWORD, db.password());
        m.putAll(more);
        return new io.opsrouter.config.Env(m);
    }
}
