package io.opsrouter.alert;

import io.opsrouter.alert.lifecycle.Event;
import io.opsrouter.alert.lifecycle.Lifecycle;
import io.opsrouter.alert.lifecycle.Message;
import io.opsrouter.alert.lifecycle.Message.Escalate;
import io.opsrouter.alert.lifecycle.Message.Notice;
import io.opsrouter.alert.lifecycle.Message.Remind;
import io.opsrouter.alert.lifecycle.Transition;
import io.opsrouter.outbox.Notification.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the sweep does besides group messages: folds repeated signals into their alerts, starts pending alerts whose
 * {@code for} has passed, and sends due escalation steps and reminders. The lifecycle decides; this reads, locks and
 * writes.
 */
final class EscalationSweep {
    private static final int FOLD_BATCH = 5000;

    private final AlertContext ctx;
    private final GroupMessages groupMessages;
    private final ReentrantLock folding = new ReentrantLock();

    EscalationSweep(AlertContext ctx, GroupMessages groupMessages) {
        this.ctx = ctx;
        this.groupMessages = groupMessages;
    }

    /**
     * Moves repeated signals' times and values into their alerts' rows (see {@code V13__alert_observations.sql}),
     * a batch at a time until none are left; returns how many were folded. One fold at a time in this process. A
     * fold a crash undoes leaves its observations to fold again, so it does not wait to be in the file.
     */
    int foldObservations() {
        if (!folding.tryLock()) return 0;
        try {
            int total = 0;
            for (int n; (n = ctx.store.inTransactionUndurable(c -> ctx.observations.fold(c, FOLD_BATCH))) > 0; ) {
                total += n;
                if (n < FOLD_BATCH) break;
            }
            return total;
        } finally {
            folding.unlock();
        }
    }

    /** Pending alerts whose rule's {@code for} has passed start firing (their group's wait starts). */
    int startPendingThatLasted() {
        Instant now = ctx.now();
        AlertContext.Config cfg = ctx.config();
        return ctx.store.inTransaction(c -> {
            List<AlertRow> due = ctx.alerts.lockPendingDue(c, now, GroupMessages.SWEEP_BATCH);
            Map<String, String[]> touched = new LinkedHashMap<>();
            List<AlertHistory.Event> events = new ArrayList<>();
            List<AlertRow> started = new ArrayList<>();
            for (AlertRow a : due) {
                Transition t = a.apply(Lifecycle.on(a.state(), new Event.Tick(now, cfg.escalation(a.severity))));
                if (!t.sends(Notice.SCHEDULE)) continue;
                started.add(a);
                GroupMessages.touch(touched, cfg.classifier(), a);
                events.add(new AlertHistory.Event(
                        a.id, now, "firing", null, null, null, "pending for " + Duration.between(a.firstSeen, now)));
            }
            ctx.alerts.update(c, started);
            groupMessages.schedule(cfg, c, touched, now);
            ctx.history.add(c, events);
            return started.size();
        });
    }

    /** Unacknowledged alerts due: the next step of their policy, or a reminder after the last; {escalated, reminded}. */
    int[] escalateUnacknowledged() {
        Instant now = ctx.now();
        AlertContext.Config cfg = ctx.config();
        int[] counts = ctx.store.inTransaction(c -> escalate(cfg, c, now));
        ctx.meters.refresh(ctx.store, ctx.alerts);
        return counts;
    }

    private int[] escalate(AlertContext.Config cfg, Connection c, Instant now) throws SQLException {
        List<AlertRow> due = ctx.alerts.lockEscalationDue(c, now, GroupMessages.SWEEP_BATCH);
        if (due.isEmpty()) return new int[] {0, 0};
        Mutes mutes = ctx.mutes(c, now, cfg);
        // one message per group and step (or reminder number): the alerts due together go out together
        Map<String, List<AlertRow>> batches = new TreeMap<>();
        Map<String, Message> messages = new HashMap<>();
        List<AlertRow> changed = new ArrayList<>();
        for (AlertRow a : due) {
            if (mutes.reason(a) != null) {
                // silenced or inhibited now: look again later, without holding a place in every sweep's batch
                if (a.apply(Lifecycle.on(a.state(), new Event.Muted(now, now.plus(cfg.groupInterval()))))
                        .changed()) changed.add(a);
                continue;
            }
            Transition t = a.apply(Lifecycle.on(a.state(), new Event.Tick(now, cfg.escalation(a.severity))));
            if (t.messages().isEmpty()) continue;
            Message m = t.messages().get(0);
            String key = a.groupId + "|"
                    + (m instanceof Remind r ? "r" + (r.number() - 1) : "s" + (((Escalate) m).step() - 1));
            batches.computeIfAbsent(key, k -> new ArrayList<>()).add(a);
            messages.put(key, m);
        }
        List<AlertHistory.Event> events = new ArrayList<>();
        Outgoing out = new Outgoing();
        int escalated = 0;
        int reminded = 0;
        for (var e : batches.entrySet()) {
            List<AlertRow> batch = e.getValue();
            batch.sort(Comparator.comparing(a -> a.id));
            AlertRow first = batch.get(0);
            if (messages.get(e.getKey()) instanceof Escalate esc) {
                cfg.announcer()
                        .toTargets(
                                c,
                                Kind.ESCALATION,
                                first.severity,
                                cfg.classifier().groupKey(first),
                                batch,
                                cfg.policies()
                                        .policy(first.severity)
                                        .steps()
                                        .get(esc.step())
                                        .targets(),
                                "esc:" + first.id + ":" + first.severity + ":" + esc.step(),
                                now,
                                out);
                for (AlertRow a : batch)
                    events.add(new AlertHistory.Event(a.id, now, "escalated", null, null, null, "step " + esc.step()));
                escalated += batch.size();
                ctx.meters.escalation(first.severity);
            } else {
                cfg.announcer().toTold(c, Kind.REMINDER, batch, now, out);
                reminded += batch.size();
            }
            changed.addAll(batch);
        }
        ctx.alerts.update(c, changed);
        out.write(c, ctx, now, events);
        ctx.history.add(c, events);
        return new int[] {escalated, reminded};
    }
}
