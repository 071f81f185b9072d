package io.opsrouter.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The small things every table's queries need the same way on H2 and PostgreSQL: IN lists cut into chunks and
 * padded to a few statement texts, and instants written as {@code TIMESTAMP WITH TIME ZONE} in UTC and read back.
 */
public final class Sql {
    /** The most values one IN list binds. */
    public static final int CHUNK = 500;

    private Sql() {}

    /** Runs a statement for one chunk of an IN list: {@code marks} is its {@code ?, ?, ...} and {@code values} what to bind. */
    @FunctionalInterface
    public interface InList {
        void run(List<String> values, String marks) throws SQLException;
    }

    /** Calls {@code body} for each chunk of at most {@link #CHUNK} values, {@link #padded padded}, in the order given. */
    public static void inChunks(Collection<String> values, InList body) throws SQLException {
        List<String> all = values instanceof List<String> l ? l : new ArrayList<>(values);
        for (int i = 0; i < all.size(); i += CHUNK) {
            List<String> part = padded(all.subList(i, Math.min(all.size(), i + CHUNK)));
            body.run(part, marks(part.size()));
        }
    }

    /**
     * The values of an IN list, repeated at the end up to the next power of two: a handful of statement texts
     * instead of one per list length, so the database's statement cache keeps them parsed.
     */
    public static List<String> padded(List<String> values) {
        int n = Integer.highestOneBit(Math.max(1, values.size() - 1)) << 1;
        if (values.size() <= 1 || values.size() == n) return values;
        List<String> out = new ArrayList<>(n);
        out.addAll(values);
        while (out.size() < n) out.add(values.get(values.size() - 1));
        return out;
    }

    /** {@code n} parameter marks: {@code ?, ?, ?}. */
    public static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /** Binds strings from parameter {@code first} on; returns the next parameter's index. */
    public static int bind(PreparedStatement ps, int first, List<String> values) throws SQLException {
        int i = first;
        for (String v : values) ps.setString(i++, v);
        return i;
    }

    /** An instant as the stores keep it (UTC), or null. */
    public static OffsetDateTime ts(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    /** Binds an instant, or a typed NULL (PostgreSQL wants the type of a null timestamp). */
    public static void setTs(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        else ps.setObject(i, ts(t));
    }

    /** A timestamp column as an instant, or null, whichever type the driver hands out. */
    public static Instant instant(ResultSet rs, int i) throws SQLException {
        Object o = rs.getObject(i);
        if (o == null) return null;
        if (o instanceof OffsetDateTime odt) return odt.toInstant();
        if (o instanceof Timestamp t) return t.toInstant();
        if (o instanceof ZonedDateTime z) return z.toInstant();
        return rs.getObject(i, OffsetDateTime.class).toInstant();
    }

    /** A text cut to its column's width. */
    public static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
