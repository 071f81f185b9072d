package io.opsrouter.outbox;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.opsrouter.app.Json;
import io.opsrouter.store.StateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The notification outbox. {@link #enqueue} is called inside the transaction that changes an alert, so a
 * notification exists exactly when the change does; the dispatcher delivers pending rows afterwards, or takes the
 * rows straight from the transaction ({@link Handover}).
 */
public final class Outbox {
    private static final String INSERT =
            "INSERT INTO outbox (idempotency_key, channel, recipient, alert_id, kind, severity,"
                    + " payload, status, attempts, next_attempt_at, created_at, claim_token, claimed_by)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String[] ID = {"id"};

    // the mapper's writer bound to the type: its serializer is found once, not looked up again for every row (the
    // intake writes one row per new group, thousands a second in a storm); the JSON is the mapper's own
    private static final ObjectWriter PAYLOAD = Json.MAPPER.writerFor(Notification.class);

    private Outbox() {}

    /** Adds the notification unless one with the same idempotency key exists; true when added. */
    public static boolean enqueue(Connection c, Notification n, Instant now) throws SQLException {
        return enqueueAll(c, List.of(n), now)[0];
    }

    /** Adds the notifications in one batch, each unless one with its idempotency key exists; which were added. */
    public static boolean[] enqueueAll(Connection c, List<Notification> ns, Instant now) throws SQLException {
        return enqueueAll(c, ns, now, null);
    }

    /**
     * The same; with {@code handover}, the rows delivery takes are written claimed and handed to it (see
     * {@link Handover}), the others pending; outside a {@link StateStore} transaction, all are written pending.
     */
    public static boolean[] enqueueAll(Connection c, List<Notification> ns, Instant now, Handover handover)
            throws SQLException {
        boolean[] added = new boolean[ns.size()];
        if (ns.isEmpty()) return added;
        // outside a store transaction there is no commit to hand the rows over on: they are written pending
        Handover.Batch batch = handover == null || !StateStore.transactionOpen() ? null : handover.begin();
        boolean[] taken = new boolean[ns.size()];
        boolean anyTaken = false;
        if (batch != null) {
            StateStore.whenEnded(batch::ended);
            StateStore.afterCommit(batch::durable);
            for (int i = 0; i < ns.size(); i++) anyTaken |= taken[i] = batch.take(ns.get(i));
        }
        OffsetDateTime ts = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        OffsetDateTime leaseEnds =
                anyTaken ? OffsetDateTime.ofInstant(now.plus(handover.lease()), ZoneOffset.UTC) : null;
        String token = anyTaken ? UUID.randomUUID().toString() : null;
        String[] payloads = new String[ns.size()];
        try (PreparedStatement ps = anyTaken ? c.prepareStatement(INSERT, ID) : c.prepareStatement(INSERT)) {
            for (int i = 0; i < ns.size(); i++) {
                Notification n = ns.get(i);
                payloads[i] = payload(n);
                ps.setString(1, n.idempotencyKey());
                ps.setString(2, n.channel().id());
                ps.setString(3, n.channel().address(n.recipient()));
                ps.setString(4, n.alerts().isEmpty() ? null : n.alerts().get(0).id());
                ps.setString(5, n.kind().label());
                ps.setString(6, n.severity());
                ps.setString(7, payloads[i]);
                ps.setString(8, taken[i] ? "sending" : "pending");
                ps.setObject(9, taken[i] ? leaseEnds : ts);
                ps.setObject(10, ts);
                ps.setString(11, taken[i] ? token : null);
                ps.setString(12, taken[i] ? handover.claimer() : null);
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            Set<ChannelName> channels = new LinkedHashSet<>();
            for (int i = 0; i < counts.length; i++) {
                added[i] = counts[i] == 1;
                if (added[i] && !taken[i]) channels.add(ns.get(i).channel());
            }
            if (anyTaken) handOver(ps, ns, now, batch, taken, added, payloads, token);
            channels.forEach(OutboxWake::enqueued);
            return added;
        }
    }

    /** The taken rows that were written, with their ids (the driver gives the ids of the rows written, in order). */
    private static void handOver(
            PreparedStatement ps,
            List<Notification> ns,
            Instant now,
            Handover.Batch batch,
            boolean[] taken,
            boolean[] added,
            String[] payloads,
            String token)
            throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        List<Notification> written = new ArrayList<>();
        try (ResultSet keys = ps.getGeneratedKeys()) {
            for (int i = 0; i < ns.size(); i++) {
                if (!added[i]) {
                    if (taken[i]) batch.notWritten(ns.get(i));
                    continue;
                }
                if (!keys.next()) throw new SQLException("the store gave fewer ids than rows written");
                long id = keys.getLong(1);
                if (!taken[i]) continue;
                Notification n = ns.get(i);
                rows.add(new OutboxRow(
                        id, n.idempotencyKey(), n.channel().id(), n.severity(), payloads[i], 0, now, token));
                written.add(n);
            }
        }
        batch.written(rows, written);
    }

    static String payload(Notification n) {
        try {
            return PAYLOAD.writeValueAsString(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
