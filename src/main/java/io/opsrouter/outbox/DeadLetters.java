package io.opsrouter.outbox;

import static io.opsrouter.store.Sql.ts;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsrouter.app.Json;
import io.opsrouter.store.Sql;
import io.opsrouter.store.StateStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Notifications as an operator sees them: the dead ones (given up after their retry budget or refused for good)
 * listed, counted and retried by hand, and the rows of any other status listed the same way (what a digest
 * folded, what is queued). A listed row names its recipient by name, never by phone or address, and an error
 * text that quotes the address shows {@code <recipient>} instead. A retry puts a dead row back in the queue due at
 * once with its attempts reset (its last error kept until it is sent) and wakes its channel.
 */
public final class DeadLetters {
    /** The statuses a row can have, in the order a message moves through them. */
    public static final List<String> STATUSES = List.of("pending", "sending", "sent", "folded", "dead");

    public static final int MAX_LIMIT = 1000;

    private final StateStore store;

    public DeadLetters(StateStore store) {
        this.store = store;
    }

    /**
     * One outbox row for people to read.
     *
     * @param recipient  the person's name; null for a room (Slack, webhook)
     * @param summary    the first alert's summary, for a digest what it stands for
     * @param foldedInto for a folded row, the digest that stood for it
     */
    public record Entry(
            long id,
            String channel,
            String recipient,
            String kind,
            String severity,
            String status,
            int attempts,
            String lastError,
            Instant createdAt,
            Instant nextAttemptAt,
            String summary,
            String foldedInto) {}

    /**
     * Rows of {@code status}, newest first; with {@code channel} only that channel's, with {@code before} only
     * rows with a smaller id (the next page starts before the last id of this one).
     */
    public List<Entry> list(String status, ChannelName channel, Long before, int limit) {
        if (!STATUSES.contains(status)) throw new IllegalArgumentException("unknown status " + status);
        int n = Math.max(1, Math.min(limit, MAX_LIMIT));
        return store.read(c -> {
            List<Entry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, channel, recipient, kind, severity, status, attempts, last_error, created_at,"
                            + " next_attempt_at, payload, folded_into FROM outbox WHERE status = ?"
                            + (channel == null ? "" : " AND channel = ?")
                            + (before == null ? "" : " AND id < ?")
                            + " ORDER BY id DESC LIMIT ?")) {
                int i = 1;
                ps.setString(i++, status);
                if (channel != null) ps.setString(i++, channel.id());
                if (before != null) ps.setLong(i++, before);
                ps.setInt(i, n);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(entry(rs));
                }
            }
            return out;
        });
    }

    /** One row, whatever its status. */
    public Optional<Entry> get(long id) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, channel, recipient, kind, severity, status, attempts, last_error, created_at,"
                            + " next_attempt_at, payload, folded_into FROM outbox WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Dead notifications of every channel. */
    public long count() {
        return countByChannel().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Dead notifications per channel; a channel without any is absent. */
    public Map<ChannelName, Long> countByChannel() {
        return store.read(c -> {
            Map<ChannelName, Long> out = new EnumMap<>(ChannelName.class);
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT channel, COUNT(*) FROM outbox WHERE status = 'dead' GROUP BY channel");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long count = rs.getLong(2);
                    ChannelName.parse(rs.getString(1)).ifPresent(ch -> out.merge(ch, count, Long::sum));
                }
            }
            return out;
        });
    }

    /** What a retry by hand did. */
    public enum Outcome {
        RETRIED,
        UNKNOWN,
        NOT_DEAD
    }

    /** @param entry the row as it is after the retry; null when there is none */
    public record Retry(Outcome outcome, Entry entry) {}

    /**
     * Puts a dead row back in its channel's queue, due at {@code now}, with no attempts spent; its last error stays
     * until it is sent. A row that is not dead is left as it is ({@link Outcome#NOT_DEAD}, with its status).
     */
    public Retry retry(long id, Instant now) {
        return store.inTransaction(c -> {
            String status;
            String channel;
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT status, channel FROM outbox WHERE id = ? FOR UPDATE")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return new Retry(Outcome.UNKNOWN, null);
                    status = rs.getString(1);
                    channel = rs.getString(2);
                }
            }
            if (!"dead".equals(status)) return new Retry(Outcome.NOT_DEAD, get(c, id));
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET status = 'pending', attempts = 0,"
                    + " next_attempt_at = ?, claim_token = NULL WHERE id = ? AND " + OutboxQueue.STATUS
                    + " = 'dead'")) {
                ps.setObject(1, ts(now));
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            ChannelName.parse(channel).ifPresent(OutboxWake::enqueued);
            return new Retry(Outcome.RETRIED, get(c, id));
        });
    }

    private static Entry get(java.sql.Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, channel, recipient, kind, severity, status, attempts, last_error, created_at,"
                        + " next_attempt_at, payload, folded_into FROM outbox WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return entry(rs);
            }
        }
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        String address = rs.getString(3);
        String name = null;
        String summary = null;
        try {
            JsonNode p = Json.MAPPER.readTree(rs.getString(11));
            name = text(p.path("recipient").path("name"));
            summary = p.hasNonNull("digest")
                    ? digestText(p.get("digest"))
                    : text(p.path("alerts").path(0).path("summary"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            summary = "(unreadable payload)";
        }
        return new Entry(
                rs.getLong(1),
                rs.getString(2),
                name,
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getInt(7),
                hideAddress(rs.getString(8), address),
                Sql.instant(rs, 9),
                Sql.instant(rs, 10),
                summary,
                rs.getString(12));
    }

    private static String digestText(JsonNode d) {
        try {
            return Json.MAPPER.treeToValue(d, Digest.class).text();
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The error text with the recipient's phone or address (as written, or without its +) left out. */
    static String hideAddress(String error, String address) {
        if (error == null || address == null || address.isBlank()) return error;
        String out = error.replace(address, "<recipient>");
        if (address.startsWith("+") && address.length() > 4) out = out.replace(address.substring(1), "<recipient>");
        return out;
    }

    private static String text(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? null : n.asText();
    }
}
