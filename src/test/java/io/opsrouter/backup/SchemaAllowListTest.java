package io.opsrouter.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The statement allow-list against what pg_dump 15 writes for types, functions, views, partitions and policies. */
class SchemaAllowListTest {
    static final String PG_DUMP_PRE = """
            SET statement_timeout = 0;
            SET lock_timeout = 0;
            SET idle_in_transaction_session_timeout = 0;
            SET client_encoding = 'UTF8';
            SET standard_conforming_strings = on;
            SELECT pg_catalog.set_config('search_path', '', false);
            SET check_function_bodies = false;
            SET xmloption = content;
            SET client_min_messages = warning;
            SET row_security = off;
            CREATE SCHEMA extensions;
            CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA extensions;
            COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';
            CREATE TYPE public.mood AS ENUM (
                'a',
                'b'
            );
            CREATE DOMAIN public.posint AS integer
            	CONSTRAINT posint_check CHECK ((VALUE > 0));
            CREATE FUNCTION public.touch() RETURNS trigger
                LANGUAGE plpgsql
                AS $$ BEGIN NEW.kind := lower(NEW.kind); -- copy the kind; the program decides
            RETURN NEW; END $$;
            SET default_tablespace = '';
            SET default_table_access_method = heap;
            CREATE TABLE public.call_events (
                id bigint NOT NULL,
                cid bigint,
                kind text,
                CONSTRAINT call_events_kind_check CHECK ((kind <> ''::text))
            );
            ALTER TABLE public.call_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
                SEQUENCE NAME public.call_events_id_seq
                START WITH 1
                INCREMENT BY 1
                NO MINVALUE
                NO MAXVALUE
                CACHE 1
            );
            COMMENT ON TABLE public.customers IS 'people; with semicolon; COPY x TO PROGRAM ''id''';
            CREATE SEQUENCE public.customers_id_seq
                START WITH 1
                INCREMENT BY 1
                NO MINVALUE
                NO MAXVALUE
                CACHE 1;
            ALTER SEQUENCE public.customers_id_seq OWNED BY public.customers.id;
            CREATE MATERIALIZED VIEW public.mv AS
             SELECT count(*) AS count
               FROM public.customers
              WITH NO DATA;
            CREATE TABLE public.parted (
                id integer,
                k integer
            )
            PARTITION BY RANGE (k);
            CREATE VIEW public.v AS
             SELECT customers.id,
                customers.name
               FROM public.customers;
            ALTER TABLE ONLY public.parted ATTACH PARTITION public.parted_1 FOR VALUES FROM (0) TO (10);
            ALTER TABLE ONLY public.customers ALTER COLUMN id SET DEFAULT nextval('public.customers_id_seq'::regclass);
            """;
    static final String PG_DUMP_POST = """
            ALTER TABLE ONLY public.call_events
                ADD CONSTRAINT call_events_pkey PRIMARY KEY (id);
            CREATE INDEX ce_kind ON public.call_events USING btree (kind);
            CREATE TRIGGER t BEFORE INSERT ON public.call_events FOR EACH ROW EXECUTE FUNCTION public.touch();
            ALTER TABLE ONLY public.call_events
                ADD CONSTRAINT call_events_cid_fkey FOREIGN KEY (cid) REFERENCES public.customers(id);
            ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY;
            CREATE POLICY pol ON public.customers USING (true);
            """;

    @Test
    void whatPgDumpWritesIsAllowed() {
        SchemaAllowList.check("schema/pre-data.sql", PG_DUMP_PRE);
        SchemaAllowList.check("schema/post-data.sql", PG_DUMP_POST);
    }

    @Test
    void whatABackupNeverWritesIsRefusedNamingTheStatement() {
        assertThatThrownBy(() -> SchemaAllowList.check(
                        "schema/pre-data.sql", PG_DUMP_PRE + "\nCOPY (SELECT 1) TO PROGRAM 'id > /tmp/x';\n"))
                .hasMessage(
                        "schema/pre-data.sql: refused statement \"COPY (SELECT 1) TO PROGRAM 'id > /tmp/x'\" (COPY … PROGRAM (runs a "
                                + "program on the database host)): a backup never writes it; nothing was restored");
        String[][] cases = {
            {"CREATE FUNCTION f() RETURNS int LANGUAGE c AS 'libc', 'system';", "language c"},
            {
                "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'COPY t TO ''/etc/x'''; END $$;",
                "inside a function body"
            },
            {"CREATE TABLE public.t (id int); DROP TABLE public.customers;", "not a statement pg_dump"},
            {"ALTER ROLE postgres PASSWORD 'x';", "role change"},
            {"SET session_authorization = 'postgres';", "role change"},
            {"CREATE EXTENSION IF NOT EXISTS file_fdw;", "extension file_fdw"},
            {"CREATE MATERIALIZED VIEW public.m AS SELECT pg_sleep(1000);", "not a statement pg_dump"},
            {"SET search_path = evil, public;", "a setting a backup never changes"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> SchemaAllowList.check("schema/post-data.sql", c[0]))
                    .as(c[0])
                    .hasMessageContaining(c[1]);
        }
    }

    @Test
    void statementsAreCutOutsideQuotesDollarQuotesAndComments() {
        var parts = SqlStatements.split(
                "COMMENT ON TABLE t IS 'a;b'; /* x; y */ CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $f$ SELECT 1; $f$; "
                        + "-- trailing; comment\nSELECT E'it\\'s;';");
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).shape()).isEqualTo("COMMENT ON TABLE T IS ''");
        assertThat(parts.get(1).shape()).isEqualTo("CREATE FUNCTION F() RETURNS INT LANGUAGE SQL AS $$ $$");
        assertThat(parts.get(2).shape()).isEqualTo("SELECT E''");
    }
}
