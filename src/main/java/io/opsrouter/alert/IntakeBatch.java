package io.opsrouter.alert;

import io.opsrouter.alert.lifecycle.Event;
import io.opsrouter.alert.lifecycle.Lifecycle;
import io.opsrouter.alert.lifecycle.Message.Notice;
import io.opsrouter.alert.lifecycle.Status;
import io.opsrouter.alert.lifecycle.Transition;
import io.opsrouter.outbox.Notification.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What one intake transaction changes, gathered signal by signal and written in one batch per table: new alerts,
 * changed alerts (resolved, raised), repeats appended as observations, history, groups to schedule, messages.
 */
final class IntakeBatch {

    private final AlertContext ctx;
    private final AlertContext.Config cfg;
    private final GroupMessages groupMessages;
    private final Instant now;
    private final Set<AlertRow> locked;
    private final List<AlertRow> inserts = new ArrayList<>();
    private final Set<AlertRow> inserted = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<AlertRow> updates = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<AlertRow, AlertObservations.Observation> observed = new IdentityHashMap<>();
    private final List<AlertHistory.Event> events = new ArrayList<>();
    private final List<AlertRow> resolvedTold = new ArrayList<>();
    private final Map<String, String[]> touched = new LinkedHashMap<>();
    /** Groups a stored alert moved into (a raised severity): never new-group-only, see {@link #newGroupsDueNow}. */
    private final Set<String> touchedByStored = new HashSet<>();

    /** {@code locked}: the alerts this transaction locked, the only ones it may change. */
    IntakeBatch(
            AlertContext ctx, AlertContext.Config cfg, GroupMessages groupMessages, Instant now, Set<AlertRow> locked) {
        this.ctx = ctx;
        this.cfg = cfg;
        this.groupMessages = groupMessages;
        this.now = now;
        this.locked = locked;
    }

    /** A FIRING nobody knows: a new alert, pending while its rule's {@code for} runs. */
    AlertRow open(SignalIntake.In in) {
        Signal s = in.signal();
        Classifier.Classified k = cfg.classifier().classify(s, in.labels());
        AlertRow r = new AlertRow();
        r.id = alertId(now, in.fingerprint());
        r.fingerprint = in.fingerprint();
        r.severity = k.severity();
        r.name = s.name();
        r.source = s.source();
        r.rule = k.rule();
        r.summary = k.summary();
        r.runbook = k.runbook();
        r.labels = in.labels();
        r.annotations = s.annotations();
        r.values = s.values();
        r.externalId = s.externalId();
        r.firstSeen = now;
        r.lastSeen = now;
        Transition t = r.apply(Lifecycle.open(now, s.since(), k.forDuration()));
        r.groupId = cfg.classifier().groupId(r);
        inserts.add(r);
        inserted.add(r);
        events.add(new AlertHistory.Event(
                r.id,
                now,
                "fired",
                null,
                null,
                s.source(),
                r.severity
                        + (r.rule == null ? "" : " by rule " + r.rule)
                        + (r.status == Status.PENDING ? ", pending until " + r.firesAt : "")));
        if (t.sends(Notice.SCHEDULE)) GroupMessages.touch(touched, cfg.classifier(), r);
        return r;
    }

    /**
     * A FIRING of a stored alert: appended as an observation, unless it raises the alert's severity (then the alert
     * starts over under the new severity's policy). {@code classified}: the signal as classified already, or null.
     */
    void repeat(SignalIntake.In in, AlertRow row, Classifier.Classified classified) {
        Signal s = in.signal();
        row.lastSeen = now;
        if (!s.values().isEmpty()) row.values = s.values();
        if (!s.annotations().isEmpty()) row.annotations = s.annotations();
        if (row.externalId == null) row.externalId = s.externalId();
        Classifier.Classified k =
                classified != null ? classified : cfg.classifier().classify(s, in.labels());
        boolean raised = Lifecycle.raises(row.severity.ordinal(), k.severity().ordinal());
        if (raised) {
            events.add(new AlertHistory.Event(
                    row.id, now, "severity", null, null, s.source(), row.severity + " -> " + k.severity()));
            row.reclassify(k, cfg.classifier());
            Transition t = row.apply(Lifecycle.on(row.state(), new Event.SeverityRaised(now)));
            if (t.sends(Notice.SCHEDULE)) {
                GroupMessages.touch(touched, cfg.classifier(), row);
                if (!inserted.contains(row)) touchedByStored.add(row.groupId);
            }
        }
        if (!inserted.contains(row)) {
            if (raised) updates.add(row);
            observed.merge(
                    row,
                    new AlertObservations.Observation(
                            row.id,
                            now,
                            s.values().isEmpty() ? null : s.values(),
                            s.annotations().isEmpty() ? null : s.annotations(),
                            s.externalId()),
                    AlertObservations.Observation::then);
        }
    }

    /** A RESOLVED of an active alert: those told about it hear it; one nobody was told about is never sent. */
    void resolve(SignalIntake.In in, AlertRow row) {
        Signal s = in.signal();
        Transition t = row.apply(Lifecycle.on(row.state(), new Event.Resolved(now, s.source(), s.at())));
        row.lastSeen = now;
        events.add(new AlertHistory.Event(
                row.id,
                now,
                "resolved",
                null,
                null,
                s.source(),
                t.before().announced() ? null : "before anyone was told"));
        if (t.sends(Notice.RESOLVED)) resolvedTold.add(row);
        if (!inserted.contains(row)) updates.add(row);
    }

    /**
     * Writes it all; the groups due at once (group_wait zero) send their message in this transaction too. A storm of
     * new alerts each in a new group is written once per row: each new group's first message is made before its
     * alerts are inserted, already announced, and the group inserted with its clock set ({@link #newGroupsDueNow}).
     */
    void write(Connection c) throws SQLException {
        for (AlertRow r : updates) {
            if (!locked.contains(r))
                throw new IllegalStateException("alert " + r.id + " changed without its row locked");
        }
        // updates first: an alert resolved in this batch frees its fingerprint for one that fires again after it
        ctx.alerts.update(c, updates);
        Outgoing out = new Outgoing();
        cfg.announcer().toTold(c, Kind.RESOLVED, resolvedTold, now, out);
        Map<String, AlertGroups.Group> born = newGroupsDueNow(c);
        List<AlertGroups.Group> bornFlushed = List.of();
        Map<String, String[]> scheduling = touched;
        if (!born.isEmpty()) {
            Map<String, List<AlertRow>> bornAlerts = new HashMap<>();
            List<AlertRow> firing = new ArrayList<>();
            for (AlertRow r : inserts) {
                if (r.status == Status.FIRING) firing.add(r);
                if (born.containsKey(r.groupId) && r.status == Status.FIRING && r.notifiedAt == null)
                    bornAlerts
                            .computeIfAbsent(r.groupId, k -> new ArrayList<>())
                            .add(r);
            }
            bornFlushed = groupMessages.flushNew(cfg, c, born, bornAlerts, firing, now, out);
            scheduling = new LinkedHashMap<>(touched);
            scheduling.keySet().removeAll(born.keySet());
        }
        ctx.alerts.insert(c, inserts);
        List<AlertObservations.Observation> repeats = new ArrayList<>();
        // a repeat of an alert this batch also writes (a resolve, a raised severity) is in that write
        observed.forEach((r, o) -> {
            if (!updates.contains(r)) repeats.add(o);
        });
        ctx.observations.add(c, repeats);
        Map<String, AlertGroups.Group> groups = groupMessages.schedule(cfg, c, scheduling, now);
        List<String> due = groups.values().stream()
                .filter(g -> g.nextFlushAt() != null && !g.nextFlushAt().isAfter(now))
                .map(AlertGroups.Group::id)
                .toList();
        groupMessages.flush(cfg, c, due, now, out);
        ctx.groups.insertNew(c, bornFlushed);
        out.write(c, ctx, now, events);
        ctx.history.add(c, events);
    }

    /**
     * The touched groups that have no row yet and whose first message is due at once, with only this batch's new
     * alerts in them (no stored alert moved in): nothing stored can be in them, so their message needs no read.
     */
    private Map<String, AlertGroups.Group> newGroupsDueNow(Connection c) throws SQLException {
        Map<String, AlertGroups.Group> candidates = new LinkedHashMap<>();
        for (var e : touched.entrySet()) {
            if (touchedByStored.contains(e.getKey())) continue;
            Severity severity = Severity.parse(e.getValue()[1]);
            Instant first = GroupMessages.firstFlushAt(cfg, severity, now);
            if (first.isAfter(now)) continue;
            candidates.put(e.getKey(), new AlertGroups.Group(e.getKey(), e.getValue()[0], severity, first, null, 0));
        }
        if (candidates.isEmpty()) return candidates;
        candidates.keySet().removeAll(ctx.groups.existing(c, candidates.keySet()));
        return candidates;
    }

    /**
     * Time first, then the fingerprint and a random tail: ids sort by creation, so a new alert's rows are added
     * at the end of every index keyed by alert id (alerts, history, recipients) instead of rewriting a page
     * somewhere in the middle of each, which on H2 is a page written per index and commit. The tail only keeps two
     * ids of one fingerprint and millisecond apart (two replicas): nothing relies on it being unguessable (a link
     * acknowledges through its signed token), so it comes from the thread's own generator, not from the shared
     * SecureRandom whose lock the intake's lanes queued for.
     */
    static String alertId(Instant now, String fingerprint) {
        return Long.toString(now.toEpochMilli(), 36) + "-" + fingerprint + "-"
                + Long.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    }
}
