package io.opsrouter.alert;

import io.opsrouter.notify.Notification;
import io.opsrouter.notify.Notification.Kind;
import io.opsrouter.alert.lifecycle.Status;
import io.opsrouter.store.GroupCommit;
import io.opsrouter.store.StateStore;
import io.opsrouter.store.StoreException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert lifecycle: signals in, alerts stored and deduplicated by fingerprint, grouped, muted by silences
 * and inhibition, announced through the outbox by the escalation policy, escalated and repeated by the sweep,
 * stopped by acknowledgement, closed by resolution. Every change and the notifications it causes are written
 * in one transaction; nothing is kept only in memory.
 */
public final class AlertEngine implements AlertIntake {
    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SWEEP_BATCH = 500;
    private static final int FLUSH_CHUNK = 200;
    private static final int MAX_SIGNALS_PER_TRANSACTION = 1000;
    private static final int FOLD_BATCH = 5000;

    private final StateStore store;
    private final Clock clock;
    private final AckTokens tokens;
    private final String publicUrl;
    private final Supplier<ChannelDirectory> channels;
    private final AlertMeters meters;
    private final AlertRepository repo;
    private final AlertGroups groups;
    private final AlertHistory history = new AlertHistory();
    private final AlertRecipients recipients = new AlertRecipients();
    private final AlertObservations observations = new AlertObservations();
    private final SilenceStore silences = new SilenceStore();
    private final java.util.concurrent.locks.ReentrantLock folding = new java.util.concurrent.locks.ReentrantLock();
    private volatile Config config;
    private final GroupCommit<In> writer = new GroupCommit<>(this::write, MAX_SIGNALS_PER_TRANSACTION);

    public AlertEngine(StateStore store, Clock clock, AlertRules rules, EscalationPolicies policies, AckTokens tokens, String publicUrl,
                       Supplier<ChannelDirectory> channels, AlertMeters meters) {
        this.store = store;
        this.clock = clock;
        this.tokens = tokens;
        this.publicUrl = publicUrl;
        this.channels = channels;
        this.meters = meters;
        this.repo = new AlertRepository(store.dialect());
        this.groups = new AlertGroups(store.dialect());
        this.config = config(rules, policies);
    }

    public Clock clock() { return clock; }

    /**
     * The clock cut to what the store keeps (microseconds): a time written and read back must compare equal,
     * or a group due "now" reads back a rounded-up instant, looks not yet due, and waits for the next sweep.
     */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
    public AckTokens tokens() { return tokens; }
    public AlertRules rules() { return config.rules(); }
    public EscalationPolicies policies() { return config.policies(); }

    /** The rules and policies in force, with what is built from them; replaced whole by a reload, read once per operation. */
    private record Config(AlertRules rules, EscalationPolicies policies, Classifier classifier, Announcer announcer) {}

    private Config config(AlertRules rules, EscalationPolicies policies) {
        Classifier classifier = new Classifier(rules);
        return new Config(rules, policies, classifier, new Announcer(recipients, policies, tokens, publicUrl, channels, classifier));
    }

    /** Puts reloaded rules and policies in force; operations under way finish with the ones they started with. */
    public void replaceConfig(AlertRules rules, EscalationPolicies policies) {
        config = config(rules, policies);
    }

    // ------------------------------------------------------------------ intake

    private record In(Signal signal, Map<String, String> labels, String fingerprint) {}

    /**
     * Stores the signals and the notifications they cause in one transaction, shared with other callers of the
     * same moment; returns once they are committed. Idempotent.
     */
    @Override
    public void accept(List<Signal> signals) {
        if (signals == null || signals.isEmpty()) return;
        List<In> ins = new ArrayList<>(signals.size());
        boolean anyFiring = false;
        for (Signal s : signals) {
            Map<String, String> labels = s.labels();
            if (!labels.containsKey("alertname")) {
                labels = new TreeMap<>(labels);
                labels.put("alertname", s.name());
            }
            ins.add(new In(s, labels, Fingerprint.of(labels)));
            anyFiring |= s.firing();
            meters.signal(s);
        }
        if (!anyFiring) {
            // probes send RESOLVED on every settle: most name nothing active, and then one read is all it costs
            Set<String> fps = new LinkedHashSet<>();
            ins.forEach(i -> fps.add(i.fingerprint()));
            if (store.read(c -> repo.activeByFingerprint(c, fps)).isEmpty()) return;
        }
        writer.submit(ins);
    }

    /**
     * One transaction over signals from one or several callers (see {@link GroupCommit}); returns what each caller
     * waits for before it is answered: the commit being durable.
     */
    private Runnable write(List<In> ins) {
        for (int attempt = 1; ; attempt++) {
            Instant now = now();
            Config cfg = config;
            try {
                return store.inTransactionUnsettled(c -> apply(cfg, c, ins, now))::settle;
            } catch (StoreException e) {
                // another replica created the same alert at the same moment (its row is there now), or the
                // database chose this transaction as a deadlock victim: the whole batch runs again
                if (attempt == 3) throw e;
                LOG.debug("intake attempt {} failed, retrying: {}", attempt, e.getMessage());
            }
        }
    }

    private Void apply(Config cfg, Connection c, List<In> ins, Instant now) throws SQLException {
        Set<String> fps = new LinkedHashSet<>();
        ins.forEach(i -> fps.add(i.fingerprint()));
        // read without locks: a repeated FIRING only appends an observation, so only the alerts this batch changes
        // (resolves, raised severities) are locked and read again, and a repeat costs no write to its alert's row
        Map<String, AlertRow> active = repo.activeByFingerprint(c, fps);
        Classifier.Classified[] classified = new Classifier.Classified[ins.size()];
        Set<String> changing = new java.util.TreeSet<>();
        for (int n = 0; n < ins.size(); n++) {
            In i = ins.get(n);
            AlertRow row = active.get(i.fingerprint());
            if (row == null) continue;
            if (!i.signal().firing()) changing.add(i.fingerprint());
            else {
                classified[n] = cfg.classifier().classify(i.signal(), i.labels());
                if (classified[n].severity().ordinal() < row.severity.ordinal()) changing.add(i.fingerprint());
            }
        }
        Set<AlertRow> locked = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        if (!changing.isEmpty()) {
            // put back only if still active: resolved meanwhile, a FIRING in this batch opens a new alert
            List<String> ids = new ArrayList<>();
            for (String fp : changing) ids.add(active.remove(fp).id);
            for (AlertRow r : repo.lockByIds(c, ids)) {
                if (!r.active()) continue;
                active.put(r.fingerprint, r);
                locked.add(r);
            }
        }
        Map<String, Instant> replay = Map.of();
        Set<String> unknown = new LinkedHashSet<>();
        for (In i : ins) {
            if (i.signal().firing() && !active.containsKey(i.fingerprint())) unknown.add(i.fingerprint());
        }
        // senders retry (Alertmanager re-sends a webhook that failed): within group_interval of a RESOLVED signal,
        // a FIRING no newer than it is a late copy; after that, the problem is back and makes a new alert
        if (!unknown.isEmpty()) replay = repo.recentlyResolved(c, unknown, now.minus(cfg.rules().grouping().groupInterval()));

        List<AlertRow> inserts = new ArrayList<>();
        Set<AlertRow> inserted = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Set<AlertRow> updates = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<AlertHistory.Event> events = new ArrayList<>();
        List<AlertRow> resolvedTold = new ArrayList<>();
        Map<String, String[]> touched = new LinkedHashMap<>();

        Map<AlertRow, AlertObservations.Observation> observed = new java.util.IdentityHashMap<>();
        for (int n = 0; n < ins.size(); n++) {
            In in = ins.get(n);
            Signal s = in.signal();
            AlertRow row = active.get(in.fingerprint());
            if (s.firing()) {
                if (row == null) {
                    Instant resolvedAt = replay.get(in.fingerprint());
                    if (resolvedAt != null && !s.at().isAfter(resolvedAt)) continue; // a late copy of what was already resolved
                    row = create(cfg, in, now);
                    inserts.add(row);
                    inserted.add(row);
                    active.put(in.fingerprint(), row);
                    events.add(new AlertHistory.Event(row.id, now, "fired", null, null, s.source(),
                            row.severity + (row.rule == null ? "" : " by rule " + row.rule)
                                    + (row.status == Status.PENDING ? ", pending until " + row.firesAt : "")));
                    if (row.status == Status.FIRING) touch(cfg, touched, row);
                } else {
                    row.lastSeen = now;
                    if (!s.values().isEmpty()) row.values = s.values();
                    if (!s.annotations().isEmpty()) row.annotations = s.annotations();
                    if (row.externalId == null) row.externalId = s.externalId();
                    Classifier.Classified k = classified[n] != null ? classified[n] : cfg.classifier().classify(s, in.labels());
                    boolean changed = k.severity().ordinal() < row.severity.ordinal();
                    if (changed) {
                        events.add(new AlertHistory.Event(row.id, now, "severity", null, null, s.source(),
                                row.severity + " -> " + k.severity()));
                        row.severity = k.severity();
                        row.rule = k.rule();
                        row.summary = k.summary();
                        row.runbook = k.runbook();
                        row.groupId = cfg.classifier().groupId(row);
                        if (row.status != Status.PENDING) {
                            row.status = Status.FIRING;
                            row.notifiedAt = null;
                            row.step = -1;
                            row.reminders = 0;
                            row.nextEscalationAt = null;
                            row.ackedAt = null;
                            row.ackedBy = null;
                            touch(cfg, touched, row);
                        }
                    }
                    if (!inserted.contains(row)) {
                        if (changed) updates.add(row);
                        observed.merge(row, new AlertObservations.Observation(row.id, now, s.values().isEmpty() ? null : s.values(),
                                s.annotations().isEmpty() ? null : s.annotations(), s.externalId()), AlertEngine::newer);
                    }
                }
            } else if (row != null) {
                row.status = Status.RESOLVED;
                row.resolvedAt = now;
                row.resolvedBy = s.source();
                row.resolvedSignalAt = s.at();
                row.lastSeen = now;
                row.nextEscalationAt = null;
                active.remove(in.fingerprint());
                events.add(new AlertHistory.Event(row.id, now, "resolved", null, null, s.source(),
                        row.notifiedAt == null ? "before anyone was told" : null));
                if (row.notifiedAt != null) resolvedTold.add(row);
                if (!inserted.contains(row)) updates.add(row);
            }
        }
        for (AlertRow r : updates) {
            if (!locked.contains(r)) throw new IllegalStateException("alert " + r.id + " changed without its row locked");
        }
        // updates first: an alert resolved in this batch frees its fingerprint for one that fires again after it
        repo.update(c, updates);
        repo.insert(c, inserts);
        List<AlertObservations.Observation> observed2 = new ArrayList<>();
        // a repeat of an alert this batch also writes (a resolve, a raised severity) is in that write
        observed.forEach((r, o) -> { if (!updates.contains(r)) observed2.add(o); });
        observations.add(c, observed2);
        Outgoing out = new Outgoing();
        cfg.announcer().toTold(c, Kind.RESOLVED, resolvedTold, now, out);
        Map<String, AlertGroups.Group> scheduled = schedule(cfg, c, touched, now);
        List<String> due = scheduled.values().stream().filter(g -> g.nextFlushAt() != null && !g.nextFlushAt().isAfter(now))
                .map(AlertGroups.Group::id).toList();
        flush(cfg, c, due, now, out);
        out.write(c, recipients, now, events);
        history.add(c, events);
        return null;
    }

    /** Two repeats of one alert in one batch: the later one's fields where it carried them. */
    private static AlertObservations.Observation newer(AlertObservations.Observation a, AlertObservations.Observation b) {
        return new AlertObservations.Observation(a.alertId(), b.seenAt(), b.values() != null ? b.values() : a.values(),
                b.annotations() != null ? b.annotations() : a.annotations(), a.externalId() != null ? a.externalId() : b.externalId());
    }

    private void touch(Config cfg, Map<String, String[]> touched, AlertRow row) {
        touched.put(row.groupId, new String[] {cfg.classifier().groupKey(row), row.severity.name()});
    }

    /**
     * Time first, then the fingerprint and a random tail: ids sort by creation, so a new alert's rows are added
     * at the end of every index keyed by alert id (alerts, history, recipients) instead of rewriting a page
     * somewhere in the middle of each, which on H2 is a page written per index and commit.
     */
    static String alertId(Instant now, String fingerprint) {
        return Long.toString(now.toEpochMilli(), 36) + "-" + fingerprint + "-" + Long.toString(RANDOM.nextInt(36 * 36 * 36 * 36), 36);
    }

    private AlertRow create(Config cfg, In in, Instant now) {
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
        r.firesAt = now.plus(k.forDuration());
        r.status = k.forDuration().isZero() ? Status.FIRING : Status.PENDING;
        r.groupId = cfg.classifier().groupId(r);
        return r;
    }

    // ------------------------------------------------------------------ groups

    /** New firing alerts in a group: the first message after group_wait, later ones no sooner than group_interval apart. */
    private Map<String, AlertGroups.Group> schedule(Config cfg, Connection c, Map<String, String[]> touched, Instant now) throws SQLException {
        if (touched.isEmpty()) return Map.of();
        groups.insert(c, touched);
        Map<String, AlertGroups.Group> locked = groups.lock(c, touched.keySet());
        List<AlertGroups.Group> changed = new ArrayList<>();
        for (var e : locked.entrySet()) {
            AlertGroups.Group g = e.getValue();
            if (g.nextFlushAt() != null) continue;
            // like Alertmanager, a group whose announced alerts are all gone starts over with group_wait
            boolean fresh = g.lastFlushAt() == null || !repo.hasAnnouncedLive(c, g.id());
            Instant next = fresh ? now.plus(cfg.rules().grouping().groupWait())
                    : max(now, g.lastFlushAt().plus(cfg.rules().grouping().groupInterval()));
            g = new AlertGroups.Group(g.id(), g.key(), g.severity(), next, g.lastFlushAt(), g.seq());
            e.setValue(g);
            changed.add(g);
        }
        groups.update(c, changed);
        return locked;
    }

    /**
     * One message per due group for its alerts not yet announced. The groups' alerts and rows are read and
     * locked a chunk of groups at a time (alerts in id order, then groups, as intake locks them),
     * and the changes are written back in one batch per table, not a handful of statements per group.
     */
    private void flush(Config cfg, Connection c, List<String> groupIds, Instant now, Outgoing out)
            throws SQLException {
        List<String> ids = new ArrayList<>(new java.util.TreeSet<>(groupIds));
        Mutes mutes = null;
        for (int from = 0; from < ids.size(); from += FLUSH_CHUNK) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + FLUSH_CHUNK));
            List<AlertRow> unannounced = repo.lockUnannounced(c, part, 10_000);
            Map<String, List<AlertRow>> freshByGroup = new java.util.HashMap<>();
            for (AlertRow a : unannounced) freshByGroup.computeIfAbsent(a.groupId, k -> new ArrayList<>()).add(a);
            Map<String, AlertGroups.Group> locked = groups.lock(c, part);
            List<AlertRow> announced = new ArrayList<>();
            List<AlertGroups.Group> flushed = new ArrayList<>();
            for (String gid : part) {
                List<AlertRow> fresh = freshByGroup.getOrDefault(gid, List.of());
                AlertGroups.Group g = locked.get(gid);
                if (g == null || g.nextFlushAt() == null || g.nextFlushAt().isAfter(now)) continue;
                if (mutes == null && !fresh.isEmpty()) mutes = new Mutes(c, now, cfg.rules(), silences);
                List<AlertRow> notify = new ArrayList<>();
                int muted = 0;
                for (AlertRow a : fresh) {
                    String why = mutes.reason(a);
                    if (why == null) notify.add(a);
                    else {
                        muted++;
                        meters.muted(why);
                    }
                }
                int seq = g.seq();
                Instant last = g.lastFlushAt();
                if (!notify.isEmpty()) {
                    seq++;
                    last = now;
                    notify.sort(java.util.Comparator.comparing((AlertRow a) -> a.firstSeen).thenComparing(a -> a.id));
                    EscalationPolicies.Policy policy = cfg.policies().policy(g.severity());
                    cfg.announcer().toTargets(c, Kind.FIRING, g.severity(), g.key(), notify, policy.steps().get(0).targets(), "fire:" + gid + ":" + seq, now, out);
                    for (AlertRow a : notify) {
                        a.notifiedAt = now;
                        a.step = 0;
                        a.nextEscalationAt = nextEscalation(policy, 0, now);
                    }
                    announced.addAll(notify);
                }
                flushed.add(new AlertGroups.Group(gid, g.key(), g.severity(),
                        muted > 0 ? now.plus(cfg.rules().grouping().groupInterval()) : null, last, seq));
            }
            repo.update(c, announced);
            groups.update(c, flushed);
        }
    }

    private static Instant nextEscalation(EscalationPolicies.Policy p, int step, Instant now) {
        return step + 1 < p.steps().size() ? now.plus(p.steps().get(step + 1).after()) : now.plus(p.repeat());
    }

    // ------------------------------------------------------------------ the sweep

    /** What one sweep did, for logs and tests. */
    public record SweepResult(int promoted, int groupsFlushed, int escalated, int reminded) {}

    /** Promotes pending alerts whose {@code for} has passed, sends due group messages, escalates and repeats. */
    public SweepResult sweep() {
        foldObservations();
        int promoted = startPendingThatLasted();
        int flushed = sendDueGroupMessages();
        int[] counts = escalateUnacknowledged();
        return new SweepResult(promoted, flushed, counts[0], counts[1]);
    }

    /**
     * Moves repeated signals' times and values into their alerts' rows (see {@code V13__alert_observations.sql}),
     * a batch at a time until none are left; returns how many were folded. One fold at a time in this process. A
     * fold a crash undoes leaves its observations to fold again, so it does not wait to be in the file.
     */
    public int foldObservations() {
        if (!folding.tryLock()) return 0;
        try {
            int total = 0;
            for (int n; (n = store.inTransactionUndurable(c -> observations.fold(c, FOLD_BATCH))) > 0; ) {
                total += n;
                if (n < FOLD_BATCH) break;
            }
            return total;
        } finally {
            folding.unlock();
        }
    }

    /** Pending alerts whose rule's {@code for} has passed start firing (their group's wait starts). */
    public int startPendingThatLasted() {
        Instant now = now();
        Config cfg = config;
        return store.inTransaction(c -> {
            List<AlertRow> due = repo.lockPendingDue(c, now, SWEEP_BATCH);
            Map<String, String[]> touched = new LinkedHashMap<>();
            List<AlertHistory.Event> events = new ArrayList<>();
            for (AlertRow a : due) {
                a.status = Status.FIRING;
                touch(cfg, touched, a);
                events.add(new AlertHistory.Event(a.id, now, "firing", null, null, null, "pending for " + Duration.between(a.firstSeen, now)));
            }
            repo.update(c, due);
            schedule(cfg, c, touched, now);
            history.add(c, events);
            return due.size();
        });
    }

    /** Groups whose group_wait or group_interval has passed: one message for their new alerts. */
    public int sendDueGroupMessages() {
        Instant now = now();
        Config cfg = config;
        List<String> dueGroups = store.read(c -> groups.due(c, now, SWEEP_BATCH));
        for (String gid : dueGroups) {
            store.inTransaction(c -> {
                List<AlertHistory.Event> events = new ArrayList<>();
                Outgoing out = new Outgoing();
                flush(cfg, c, List.of(gid), now, out);
                out.write(c, recipients, now, events);
                history.add(c, events);
                return null;
            });
        }
        return dueGroups.size();
    }

    /** Unacknowledged alerts due: the next step of their policy, or a reminder after the last; {escalated, reminded}. */
    public int[] escalateUnacknowledged() {
        Instant now = now();
        Config cfg = config;
        int[] counts = store.inTransaction(c -> escalate(cfg, c, now));
        meters.refresh(store, repo);
        return counts;
    }

    private int[] escalate(Config cfg, Connection c, Instant now) throws SQLException {
        List<AlertRow> due = repo.lockEscalationDue(c, now, SWEEP_BATCH);
        if (due.isEmpty()) return new int[] {0, 0};
        Mutes mutes = new Mutes(c, now, cfg.rules(), silences);
        Map<String, List<AlertRow>> batches = new TreeMap<>();
        List<AlertRow> changed = new ArrayList<>();
        for (AlertRow a : due) {
            if (mutes.reason(a) != null) {
                // silenced or inhibited now: look again later, without holding a place in every sweep's batch
                a.nextEscalationAt = now.plus(cfg.rules().grouping().groupInterval());
                changed.add(a);
                continue;
            }
            EscalationPolicies.Policy p = cfg.policies().policy(a.severity);
            boolean reminder = a.step + 1 >= p.steps().size();
            String key = a.groupId + "|" + (reminder ? "r" + a.reminders : "s" + a.step);
            batches.computeIfAbsent(key, k -> new ArrayList<>()).add(a);
        }
        List<AlertHistory.Event> events = new ArrayList<>();
        Outgoing out = new Outgoing();
        int escalated = 0;
        int reminded = 0;
        for (List<AlertRow> batch : batches.values()) {
            batch.sort(java.util.Comparator.comparing(a -> a.id));
            AlertRow first = batch.get(0);
            EscalationPolicies.Policy p = cfg.policies().policy(first.severity);
            int next = first.step + 1;
            if (next < p.steps().size()) {
                for (AlertRow a : batch) a.step = next;
                cfg.announcer().toTargets(c, Kind.ESCALATION, first.severity, cfg.classifier().groupKey(first), batch, p.steps().get(next).targets(),
                        "esc:" + first.id + ":" + first.severity + ":" + next, now, out);
                for (AlertRow a : batch) {
                    a.nextEscalationAt = nextEscalation(p, next, now);
                    events.add(new AlertHistory.Event(a.id, now, "escalated", null, null, null, "step " + next));
                }
                escalated += batch.size();
                meters.escalation(first.severity);
            } else {
                for (AlertRow a : batch) {
                    a.reminders++;
                    a.nextEscalationAt = now.plus(p.repeat());
                }
                cfg.announcer().toTold(c, Kind.REMINDER, batch, now, out);
                reminded += batch.size();
            }
            changed.addAll(batch);
        }
        repo.update(c, changed);
        out.write(c, recipients, now, events);
        history.add(c, events);
        return new int[] {escalated, reminded};
    }

    // ------------------------------------------------------------------ people acting

    /** What acknowledging or resolving did to each alert named. */
    public record Outcome(List<Map<String, Object>> changed, List<String> unchanged, List<String> notFound, List<String> resolved) {}

    public Outcome acknowledge(List<String> ids, String by) {
        return act(ids, by, true);
    }

    public Outcome resolve(List<String> ids, String by) {
        return act(ids, by, false);
    }

    private Outcome act(List<String> ids, String by, boolean ack) {
        Instant now = now();
        Config cfg = config;
        Outcome o = store.inTransaction(c -> {
            List<AlertRow> changed = new ArrayList<>();
            List<String> unchanged = new ArrayList<>();
            List<String> notFound = new ArrayList<>();
            List<String> resolved = new ArrayList<>();
            Map<String, AlertRow> byId = new java.util.HashMap<>();
            for (AlertRow r : repo.lockByIds(c, ids)) byId.put(r.id, r);
            for (String id : new java.util.TreeSet<>(ids)) {
                AlertRow r = byId.get(id);
                if (r == null) notFound.add(id);
                else if (r.status == Status.RESOLVED) resolved.add(id);
                else if (ack && r.status == Status.ACKNOWLEDGED) unchanged.add(id);
                else changed.add(r);
            }
            List<AlertHistory.Event> events = new ArrayList<>();
            for (AlertRow r : changed) {
                if (ack) {
                    r.status = Status.ACKNOWLEDGED;
                    r.ackedAt = now;
                    r.ackedBy = by;
                } else {
                    r.status = Status.RESOLVED;
                    r.resolvedAt = now;
                    r.resolvedBy = by;
                }
                r.nextEscalationAt = null;
                events.add(new AlertHistory.Event(r.id, now, ack ? "acknowledged" : "resolved", null, null, by, null));
            }
            repo.update(c, changed);
            Outgoing out = new Outgoing();
            cfg.announcer().toTold(c, ack ? Kind.ACKNOWLEDGED : Kind.RESOLVED, changed.stream().filter(r -> r.notifiedAt != null).toList(), now,
                    out);
            out.write(c, recipients, now, events);
            history.add(c, events);
            List<Map<String, Object>> views = new ArrayList<>();
            for (AlertRow r : changed) views.add(AlertJson.of(r));
            return new Outcome(views, unchanged, notFound, resolved);
        });
        meters.refresh(store, repo);
        return o;
    }

    // ------------------------------------------------------------------ reading

    public void refreshMeters() {
        meters.refresh(store, repo);
    }

    public List<Map<String, Object>> list(String status, Severity severity, Map<String, String> labels, int limit) {
        Status wanted = status == null ? null : Status.ofColumn(status);
        // label filters are checked on the decoded labels; read a wider page when they narrow the result
        int page = labels.isEmpty() ? limit : Math.max(limit, 5000);
        List<AlertRow> rows = store.read(c -> repo.list(c, wanted, severity, page));
        List<Map<String, Object>> out = new ArrayList<>();
        for (AlertRow r : rows) {
            if (!labels.entrySet().stream().allMatch(e -> e.getValue().equals(r.labels.get(e.getKey())))) continue;
            out.add(AlertJson.of(r));
            if (out.size() >= limit) break;
        }
        return out;
    }

    /** The alert with its history, or null. */
    public Map<String, Object> get(String id) {
        return store.read(c -> {
            AlertRow r = repo.byId(c, id);
            if (r == null) return null;
            Map<String, Object> m = AlertJson.of(r);
            List<Map<String, Object>> events = new ArrayList<>();
            for (AlertHistory.Event e : history.of(c, id)) events.add(AlertJson.of(e));
            m.put("history", events);
            return m;
        });
    }

    /** The alerts an acknowledgement link means: those it names, or its group's alerts announced by its moment. */
    public List<String> ackTargets(AckTokens.Valid v) {
        if (v.groupId() == null) return v.alertIds();
        return store.read(c -> repo.announcedInGroup(c, v.groupId(), v.announcedBy(), 1000)).stream().map(a -> a.id).sorted().toList();
    }

    /** Short descriptions of alerts for the acknowledgement page. */
    public List<Map<String, Object>> describe(List<String> ids) {
        return store.read(c -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (String id : ids) {
                AlertRow r = repo.byId(c, id);
                if (r != null) out.add(AlertJson.of(r));
            }
            return out;
        });
    }

    // ------------------------------------------------------------------ silences

    public Silence silence(Map<String, String> match, Map<String, String> matchRe, Instant startsAt, Instant endsAt, String createdBy,
                           String comment) {
        Instant now = now();
        Silence s = new Silence("s-" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36), match, matchRe,
                startsAt == null ? now : startsAt, endsAt, createdBy, comment, now);
        store.inTransaction(c -> {
            silences.insert(c, s);
            return null;
        });
        return s;
    }

    public List<Silence> silences(boolean includeExpired) {
        Instant now = now();
        return store.read(c -> silences.list(c, includeExpired ? null : now));
    }

    public boolean expireSilence(String id) {
        Instant now = now();
        return store.inTransaction(c -> silences.expire(c, id, now));
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
