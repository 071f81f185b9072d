package io.opsrouter.alert;

import io.opsrouter.alert.lifecycle.Escalation;
import io.opsrouter.alert.lifecycle.Event;
import io.opsrouter.alert.lifecycle.Lifecycle;
import io.opsrouter.alert.lifecycle.Message.Notice;
import io.opsrouter.alert.lifecycle.Transition;
import io.opsrouter.outbox.Notification.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Group scheduling and group messages: a group's first message after group_wait, later ones no sooner than
 * group_interval apart (both those of the group's severity: {@code grouping.severity} in the rules file), each announcing the group's firing alerts not announced yet (those muted are held back).
 */
final class GroupMessages {
    static final int SWEEP_BATCH = 500;
    private static final int FLUSH_CHUNK = 200;

    private final AlertContext ctx;

    GroupMessages(AlertContext ctx) {
        this.ctx = ctx;
    }

    /** Notes that the alert's group must be scheduled (its id to its key and severity). */
    static void touch(Map<String, String[]> touched, Classifier classifier, AlertRow row) {
        touched.put(row.groupId, new String[] {classifier.groupKey(row), row.severity.name()});
    }

    /** Schedules the touched groups that have no message due yet; returns every touched group as locked. */
    Map<String, AlertGroups.Group> schedule(
            AlertContext.Config cfg, Connection c, Map<String, String[]> touched, Instant now) throws SQLException {
        if (touched.isEmpty()) return Map.of();
        ctx.groups.insert(c, touched);
        Map<String, AlertGroups.Group> locked = ctx.groups.lock(c, touched.keySet());
        List<AlertGroups.Group> changed = new ArrayList<>();
        for (var e : locked.entrySet()) {
            AlertGroups.Group g = e.getValue();
            if (g.nextFlushAt() != null) continue;
            // like Alertmanager, a group whose announced alerts are all gone starts over with group_wait
            boolean fresh = g.lastFlushAt() == null || !ctx.alerts.hasAnnouncedLive(c, g.id());
            // the group's own severity's timings: with the shipped P1 0s/0s, a new P1 goes out in this transaction
            AlertRules.Timing timing = cfg.rules().grouping().timing(g.severity());
            Instant next = fresh
                    ? now.plus(timing.groupWait())
                    : max(now, g.lastFlushAt().plus(timing.groupInterval()));
            g = new AlertGroups.Group(g.id(), g.key(), g.severity(), next, g.lastFlushAt(), g.seq());
            e.setValue(g);
            changed.add(g);
        }
        ctx.groups.update(c, changed);
        return locked;
    }

    /** When a group with no message yet, created at {@code now}, sends its first one: after group_wait. */
    static Instant firstFlushAt(AlertContext.Config cfg, Severity severity, Instant now) {
        return now.plus(cfg.rules().grouping().timing(severity).groupWait());
    }

    /** Groups whose group_wait or group_interval has passed: one message for their new alerts, a transaction per group. */
    int sendDue() {
        Instant now = ctx.now();
        AlertContext.Config cfg = ctx.config();
        List<String> dueGroups = ctx.store.read(c -> ctx.groups.due(c, now, SWEEP_BATCH));
        for (String gid : dueGroups) {
            ctx.store.inTransaction(c -> {
                List<AlertHistory.Event> events = new ArrayList<>();
                Outgoing out = new Outgoing();
                flush(cfg, c, List.of(gid), now, out);
                out.write(c, ctx, now, events);
                ctx.history.add(c, events);
                return null;
            });
        }
        return dueGroups.size();
    }

    private record Announcing(AlertRow alert, Transition transition) {}

    /**
     * One message per due group for its alerts not yet announced. The groups' alerts and rows are read and
     * locked a chunk of groups at a time (alerts in id order, then groups, as intake locks them),
     * and the changes are written back in one batch per table, not a handful of statements per group.
     */
    void flush(AlertContext.Config cfg, Connection c, List<String> groupIds, Instant now, Outgoing out)
            throws SQLException {
        List<String> ids = new ArrayList<>(new TreeSet<>(groupIds));
        Flushing f = new Flushing(cfg, c, now, out);
        for (int from = 0; from < ids.size(); from += FLUSH_CHUNK) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + FLUSH_CHUNK));
            Map<String, List<AlertRow>> freshByGroup = new HashMap<>();
            for (AlertRow a : ctx.alerts.lockUnannounced(c, part, 10_000)) {
                freshByGroup.computeIfAbsent(a.groupId, k -> new ArrayList<>()).add(a);
            }
            Map<String, AlertGroups.Group> locked = ctx.groups.lock(c, part);
            List<AlertRow> announced = new ArrayList<>();
            List<AlertGroups.Group> flushed = new ArrayList<>();
            for (String gid : part) {
                AlertGroups.Group g = locked.get(gid);
                if (g == null || g.nextFlushAt() == null || g.nextFlushAt().isAfter(now)) continue;
                flushed.add(f.announce(g, freshByGroup.getOrDefault(gid, List.of()), announced));
            }
            ctx.alerts.update(c, announced);
            ctx.groups.update(c, flushed);
        }
    }

    /**
     * The first message of groups this transaction creates, due at once (group_wait zero), for alerts it has not
     * written yet: they are announced in memory and written once, as announced; returns the groups as they are to
     * be inserted ({@code unstoredFiring}: every firing alert the transaction will insert, which inhibits like a
     * stored one). What {@link #flush} does for stored groups, without reading back and writing again the rows of
     * a storm of new groups.
     */
    List<AlertGroups.Group> flushNew(
            AlertContext.Config cfg,
            Connection c,
            Map<String, AlertGroups.Group> groups,
            Map<String, List<AlertRow>> alertsByGroup,
            List<AlertRow> unstoredFiring,
            Instant now,
            Outgoing out)
            throws SQLException {
        Flushing f = new Flushing(cfg, c, now, out);
        f.unstoredFiring = unstoredFiring;
        List<AlertGroups.Group> flushed = new ArrayList<>();
        for (String gid : new TreeSet<>(groups.keySet())) {
            flushed.add(f.announce(groups.get(gid), alertsByGroup.getOrDefault(gid, List.of()), new ArrayList<>()));
        }
        return flushed;
    }

    /** One flush's shared parts: the mutes, read once when an alert is to be announced. */
    private final class Flushing {
        private final AlertContext.Config cfg;
        private final Connection c;
        private final Instant now;
        private final Outgoing out;
        private Mutes mutes;
        /** New firing alerts the transaction has not written yet (inhibition sources). */
        private List<AlertRow> unstoredFiring = List.of();

        Flushing(AlertContext.Config cfg, Connection c, Instant now, Outgoing out) {
            this.cfg = cfg;
            this.c = c;
            this.now = now;
            this.out = out;
        }

        /** One due group's message for its fresh alerts (added to {@code announced}); returns the group after it. */
        AlertGroups.Group announce(AlertGroups.Group g, List<AlertRow> fresh, List<AlertRow> announced)
                throws SQLException {
            String gid = g.id();
            if (mutes == null && !fresh.isEmpty())
                mutes = ctx.mutes(c, now, cfg).alsoFiring(unstoredFiring);
            Escalation policy = cfg.escalation(g.severity());
            List<Announcing> announcing = new ArrayList<>();
            int muted = 0;
            for (AlertRow a : fresh) {
                String why = mutes.reason(a);
                Event e = why == null
                        ? new Event.GroupFlush(now, policy)
                        : new Event.Muted(now, now.plus(cfg.groupInterval()));
                Transition t = Lifecycle.on(a.state(), e);
                if (t.sends(Notice.HELD)) {
                    muted++;
                    ctx.meters.muted(why);
                } else if (t.sends(Notice.ANNOUNCE)) {
                    announcing.add(new Announcing(a, t));
                }
            }
            int seq = g.seq();
            Instant last = g.lastFlushAt();
            if (!announcing.isEmpty()) {
                seq++;
                last = now;
                announcing.sort(Comparator.comparing((Announcing a) -> a.alert().firstSeen)
                        .thenComparing(a -> a.alert().id));
                List<AlertRow> notify =
                        announcing.stream().map(Announcing::alert).toList();
                cfg.announcer()
                        .toTargets(
                                c,
                                Kind.FIRING,
                                g.severity(),
                                g.key(),
                                notify,
                                earlier(g),
                                cfg.policies()
                                        .policy(g.severity())
                                        .steps()
                                        .get(0)
                                        .targets(),
                                "fire:" + gid + ":" + seq,
                                now,
                                out);
                // after the message is made: it tells what the alerts were before (not yet at a step)
                for (Announcing a : announcing) a.alert().apply(a.transition());
                announced.addAll(notify);
            }
            return new AlertGroups.Group(
                    gid, g.key(), g.severity(), muted > 0 ? now.plus(cfg.groupInterval()) : null, last, seq);
        }

        /**
         * The names of the group's alerts announced before and still firing, oldest first, when the group has been
         * announced before (the message then says which of its alerts are new); read only for such a group, so a storm
         * of new groups costs no query.
         */
        private List<String> earlier(AlertGroups.Group g) throws SQLException {
            if (g.lastFlushAt() == null) return List.of();
            List<AlertRow> before = ctx.alerts.announcedInGroup(c, g.id(), now, EARLIER_NAMED);
            List<String> names = new ArrayList<>(before.size());
            for (int i = before.size() - 1; i >= 0; i--) names.add(before.get(i).name);
            return names;
        }
    }

    /** The most earlier alerts a message names. */
    static final int EARLIER_NAMED = 20;

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
