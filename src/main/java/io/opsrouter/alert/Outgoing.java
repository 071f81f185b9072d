package io.opsrouter.alert;

import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Outbox;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The messages one transaction causes, gathered while its alerts change and written to the outbox in one batch
 * before it commits. What a message records (its history events, who was told) is kept only for messages the
 * outbox did not already hold under the same idempotency key.
 */
final class Outgoing {
    private record Pending(
            Notification notification, List<AlertHistory.Event> events, List<AlertRecipients.Told> told) {}

    private final List<Pending> pending = new ArrayList<>();
    private final List<AckCodes.Issued> codes = new ArrayList<>();

    void add(Notification n, List<AlertHistory.Event> events, List<AlertRecipients.Told> told) {
        pending.add(new Pending(n, events, told));
    }

    /** A short acknowledgement code the messages name ({@code /a/<code>}), stored with them. */
    void addCode(AckCodes.Issued code) {
        codes.add(code);
    }

    /** Inserts the messages; the events of those added join {@code events}, their recipients are recorded. */
    void write(Connection c, AlertContext ctx, Instant now, List<AlertHistory.Event> events) throws SQLException {
        if (pending.isEmpty()) return;
        Map<String, String> replaced = AckCodes.store(c, codes, now);
        codes.clear();
        if (!replaced.isEmpty()) {
            for (int i = 0; i < pending.size(); i++) {
                Pending p = pending.get(i);
                pending.set(i, new Pending(withCode(p.notification(), replaced), p.events(), p.told()));
            }
        }
        boolean[] added =
                Outbox.enqueueAll(c, pending.stream().map(Pending::notification).toList(), now, ctx.handover());
        List<AlertRecipients.Told> told = new ArrayList<>();
        for (int i = 0; i < added.length; i++) {
            if (!added[i]) continue;
            events.addAll(pending.get(i).events());
            told.addAll(pending.get(i).told());
        }
        ctx.recipients.add(c, told);
        pending.clear();
    }

    /** The notification with its short link's code replaced when the store gave that code to another message. */
    static Notification withCode(Notification n, Map<String, String> replaced) {
        String url = n.ackUrl();
        if (url == null) return n;
        int slash = url.lastIndexOf('/');
        String fresh = replaced.get(url.substring(slash + 1));
        if (fresh == null) return n;
        return new Notification(
                n.idempotencyKey(),
                n.channel(),
                n.recipient(),
                n.kind(),
                n.severity(),
                n.groupKey(),
                n.alerts(),
                url.substring(0, slash + 1) + fresh,
                n.digest(),
                n.earlier());
    }
}
