package io.opsrouter.outbox;

import static io.opsrouter.store.Sql.ts;

import io.opsrouter.app.Json;
import io.opsrouter.store.StateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Storm control on the outbox: the due lesser (P2/P3) messages queued for one channel and recipient, counted
 * ({@link #backlogs}) and, when there are more than the channel can send in a minute, folded into one digest
 * ({@link #fold}). One transaction: the folded rows become {@code folded} (never claimed, never dead; retention
 * purges them like sent ones, and {@code folded_into} names the digest) and the digest is written with
 * {@link Outbox#enqueueAll}, an outbox row like the others. P1 messages, channel-failure notices and digests are
 * never folded. Replicas may fold at once: on PostgreSQL the rows are locked and others skip them, and a row is
 * folded only while it is still pending, so a row a claimer took meanwhile is neither folded nor counted.
 */
public final class DigestFolding {
    /**
     * The most rows one digest stands for: a larger backlog makes several digests, one transaction each, so a claim
     * that meets rows being folded (H2 makes it wait for their locks) waits for a short transaction only.
     */
    public static final int MAX_PER_DIGEST = 2000;
    /** The folded alerts a digest lists by name (the counts cover them all). */
    public static final int ALERTS_SHOWN = 10;

    static final String LESSER = "status = 'pending' AND next_attempt_at <= ? AND severity IN ('P2', 'P3')"
            + " AND kind NOT IN ('" + Notification.Kind.DIGEST.label() + "', '"
            + Notification.Kind.CHANNEL_FAILURE.label() + "')";

    private final StateStore store;

    public DigestFolding(StateStore store) {
        this.store = store;
    }

    /**
     * The due lesser messages queued for one channel and recipient.
     *
     * @param address the recipient column: the phone or address a message goes to; null for a room (Slack, webhook)
     */
    public record Backlog(ChannelName channel, String address, long due) {}

    /**
     * One digest written.
     *
     * @param recipientName the person's name (never the address: this is what logs show); null for a room
     */
    public record Folded(ChannelName channel, String recipientName, String severity, String key, Digest digest) {}

    /** Every channel and recipient with due lesser messages, most first. */
    public List<Backlog> backlogs(Instant now) {
        return store.read(c -> {
            List<Backlog> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT channel, recipient, COUNT(*) FROM outbox WHERE "
                    + LESSER + " GROUP BY channel, recipient ORDER BY COUNT(*) DESC")) {
                ps.setObject(1, ts(now));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Optional<ChannelName> ch = ChannelName.parse(rs.getString(1));
                        if (ch.isPresent()) out.add(new Backlog(ch.get(), rs.getString(2), rs.getLong(3)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Folds up to {@link #MAX_PER_DIGEST} of the backlog's due lesser messages, oldest first, into one digest due
     * now; empty when none could be folded (another claimer or replica took them meanwhile).
     *
     * @param link where the digest points for the whole list
     */
    public Optional<Folded> fold(Backlog backlog, Instant now, String link) {
        return Optional.ofNullable(store.inTransaction(c -> {
            List<Candidate> rows = candidates(c, backlog, now);
            if (rows.isEmpty()) return null;
            // the first row and the time: a row is folded once, but one a claimer took meanwhile may come back
            String key = "digest:" + backlog.channel().id() + ":" + rows.get(0).id + ":" + now.toEpochMilli();
            List<Candidate> folded = markFolded(c, rows, key);
            if (folded.isEmpty()) return null;
            Notification digest = digest(backlog.channel(), key, folded, link);
            if (!Outbox.enqueueAll(c, List.of(digest), now)[0]) {
                // never fold rows without their digest: rolling back leaves them pending
                throw new IllegalStateException("a digest with the key " + key + " exists already");
            }
            Recipient r = digest.recipient();
            return new Folded(backlog.channel(), r == null ? null : r.name(), digest.severity(), key, digest.digest());
        }));
    }

    private record Candidate(long id, Notification n) {}

    private List<Candidate> candidates(Connection c, Backlog b, Instant now) throws SQLException {
        List<Candidate> rows = new ArrayList<>();
        String who = b.address() == null ? "recipient IS NULL" : "recipient = ?";
        try (PreparedStatement ps =
                c.prepareStatement("SELECT id, payload FROM outbox WHERE channel = ? AND " + who + " AND " + LESSER
                        + " ORDER BY created_at, id LIMIT ?" + store.dialect().skipLocked())) {
            int i = 1;
            ps.setString(i++, b.channel().id());
            if (b.address() != null) ps.setString(i++, b.address());
            ps.setObject(i++, ts(now));
            ps.setInt(i, MAX_PER_DIGEST);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        rows.add(new Candidate(
                                rs.getLong(1), Json.MAPPER.readValue(rs.getString(2), Notification.class)));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        // an unreadable payload is the dispatcher's to report and dead-letter; it is not folded
                    }
                }
            }
        }
        return rows;
    }

    static final String MARK_FOLDED = "UPDATE outbox SET status = 'folded', folded_into = ? WHERE id = ? AND "
            + OutboxQueue.STATUS + " = 'pending'";

    /** Marks the rows folded while they are still pending; the ones that were. */
    private static List<Candidate> markFolded(Connection c, List<Candidate> rows, String key) throws SQLException {
        List<Candidate> folded = new ArrayList<>(rows.size());
        try (PreparedStatement up = c.prepareStatement(MARK_FOLDED)) {
            for (Candidate r : rows) {
                up.setString(1, key);
                up.setLong(2, r.id);
                up.addBatch();
            }
            int[] counts = up.executeBatch();
            for (int i = 0; i < counts.length; i++)
                if (counts[i] == 1 || counts[i] == Statement.SUCCESS_NO_INFO) folded.add(rows.get(i));
        }
        return folded;
    }

    private static Notification digest(ChannelName channel, String key, List<Candidate> folded, String link) {
        Set<String> firing = new HashSet<>();
        Set<String> resolved = new HashSet<>();
        TreeSet<String> services = new TreeSet<>();
        Map<String, AlertView> shown = new LinkedHashMap<>();
        String severity = "P3";
        for (Candidate r : folded) {
            Notification n = r.n;
            if ("P2".equals(n.severity())) severity = "P2";
            Set<String> into = switch (n.kind()) {
                case FIRING, ESCALATION, REMINDER -> firing;
                case RESOLVED -> resolved;
                default -> null;
            };
            for (AlertView a : n.alerts()) {
                String id = a.fingerprint() != null ? a.fingerprint() : a.id();
                if (into != null && id != null) into.add(id);
                if (a.labels() != null && a.labels().get("service") != null)
                    services.add(a.labels().get("service"));
                if (shown.size() < ALERTS_SHOWN && id != null) shown.putIfAbsent(id, a);
            }
        }
        resolved.removeAll(firing);
        Notification first = folded.get(0).n;
        Digest d = new Digest(
                folded.size(),
                firing.size(),
                resolved.size(),
                services.size(),
                services.stream().limit(Digest.SERVICES_SHOWN).toList(),
                link);
        return new Notification(
                key,
                channel,
                first.recipient(),
                Notification.Kind.DIGEST,
                severity,
                "digest",
                new ArrayList<>(shown.values()),
                null,
                d);
    }
}
