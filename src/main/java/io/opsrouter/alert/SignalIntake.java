package io.opsrouter.alert;

import io.opsrouter.alert.lifecycle.Lifecycle;
import io.opsrouter.store.GroupCommit;
import io.opsrouter.store.StoreException;
import io.opsrouter.watchdog.Progress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals in: stored and deduplicated by fingerprint, in transactions shared by the callers of the same moment
 * ({@link GroupCommit}). A repeated FIRING locks nothing and only appends an observation; the alerts a batch changes
 * (resolves, raised severities) are locked in id order and changed as the lifecycle says.
 */
final class SignalIntake {
    private static final Logger LOG = LoggerFactory.getLogger(SignalIntake.class);
    private static final int MAX_SIGNALS_PER_TRANSACTION = 1000;
    /**
     * Transactions written at once. GroupCommit can write several (signals of one alert or one group never in two at
     * once, see {@link #lanes}; at most half the store's pool), but one is shipped: with two, a storm of new groups
     * was accepted 1.1-1.4x faster and delivered no faster, its p99 from accepted to delivered 1.2-2.3x worse (the
     * writers take the CPU the sends need; bench/delivery, 5,000 alerts, 40 ms receiver, after the merge of
     * 2026-12-07: delivered 0.61-0.71x Alertmanager with two, 0.70-0.74x with one).
     */
    static final int LANES = 1;
    /**
     * Requests that may wait for the writer before the HTTP doors answer others 503 ({@link #admit}). Each waits on
     * one of Vert.x's workers ({@code CoreModule.WORKERS}): with most of them free, a flood's excess is answered at
     * once, and a P1, {@code /health} and an acknowledge link find a worker within milliseconds. (With 16 of 20, the
     * rest of a flood of 48 senders queued for a worker in arrival order, and a P1 behind it waited 3.2 s.)
     */
    static final int MAX_QUEUED = 8;

    /**
     * One signal with its labels (with {@code alertname}) and fingerprint; {@code urgent} when it fires a P1, which
     * is written ahead of a queue of lesser signals ({@link GroupCommit}).
     */
    record In(Signal signal, Map<String, String> labels, String fingerprint, boolean urgent) {}

    /**
     * What two writers must not write at once: the alert (its fingerprint) and the group it goes to, named by its
     * grouping labels' values whatever the severity (an alert whose severity is raised moves to a group with the
     * same values).
     */
    private static List<Object> lanes(In in, List<String> groupBy) {
        StringBuilder group = new StringBuilder("group");
        for (String l : groupBy) group.append('\u0000').append(in.labels().getOrDefault(l, ""));
        return List.of(in.fingerprint(), group.toString());
    }

    private final AlertContext ctx;
    private final GroupMessages groupMessages;
    private final GroupCommit<In> writer;
    private volatile Progress progress = Progress.unwatched("alerts-intake");

    SignalIntake(AlertContext ctx, GroupMessages groupMessages) {
        this.ctx = ctx;
        this.groupMessages = groupMessages;
        this.writer = new GroupCommit<>(
                this::write,
                MAX_SIGNALS_PER_TRANSACTION,
                Math.max(1, Math.min(LANES, ctx.store.poolSize() / 2)),
                in -> lanes(in, ctx.config().rules().grouping().by()),
                In::urgent);
    }

    /**
     * Stores the signals and the notifications they cause in one transaction, shared with other callers of the
     * same moment; returns once they are committed. Idempotent.
     */
    void accept(List<Signal> signals) {
        if (signals == null || signals.isEmpty()) return;
        List<In> ins = new ArrayList<>(signals.size());
        boolean anyFiring = false;
        for (Signal s : signals) {
            Map<String, String> labels = named(s);
            ins.add(new In(s, labels, Fingerprint.of(labels), firesP1(s, labels)));
            anyFiring |= s.firing();
            ctx.meters.signal(s);
        }
        if (!anyFiring) {
            // probes send RESOLVED on every settle: most name nothing active, and then one read is all it costs
            Set<String> fps = new LinkedHashSet<>();
            ins.forEach(i -> fps.add(i.fingerprint()));
            if (ctx.store.read(c -> ctx.alerts.activeByFingerprint(c, fps)).isEmpty()) return;
        }
        try (Progress.Cycle cycle = progress.begin()) {
            writer.submit(ins);
        }
    }

    /** Throws {@link IntakeBusyException} when {@link #MAX_QUEUED} requests wait and none of these fires a P1. */
    void admit(List<Signal> signals) {
        admit(signals, writer.queued());
    }

    void admit(List<Signal> signals, int queued) {
        if (signals == null || queued < MAX_QUEUED) return;
        for (Signal s : signals) if (firesP1(s, named(s))) return;
        throw new IntakeBusyException(queued);
    }

    /** The signal's labels with {@code alertname}. */
    private static Map<String, String> named(Signal s) {
        Map<String, String> labels = s.labels();
        if (labels.containsKey("alertname")) return labels;
        labels = new TreeMap<>(labels);
        labels.put("alertname", s.name());
        return labels;
    }

    /** A FIRING whose severity is P1, as the sender says or else as the rules classify it. */
    private boolean firesP1(Signal s, Map<String, String> labels) {
        if (!s.firing()) return false;
        Severity severity = s.severity() != null
                ? s.severity()
                : ctx.config().classifier().classify(s, labels).severity();
        return severity == Severity.P1;
    }

    /** Where the intake's writes report progress: the router's watchdog ({@code alerts-intake}). */
    void watch(Progress progress) {
        this.progress = progress;
    }

    /**
     * One transaction over signals from one or several callers (see {@link GroupCommit}); returns what each caller
     * waits for before it is answered: the commit being durable.
     */
    private Runnable write(List<In> ins) {
        for (int attempt = 1; ; attempt++) {
            Instant now = ctx.now();
            AlertContext.Config cfg = ctx.config();
            try {
                return ctx.store.inTransactionUnsettled(c -> apply(cfg, c, ins, now))::settle;
            } catch (StoreException e) {
                // another replica created the same alert at the same moment (its row is there now), or the
                // database chose this transaction as a deadlock victim: the whole batch runs again
                // (a store that does not answer is not asked again: the sender hears 503 at once and retries)
                if (attempt == 3 || e instanceof io.opsrouter.store.StoreUnreachableException) throw e;
                LOG.debug("intake attempt {} failed, retrying: {}", attempt, e.getMessage());
            }
        }
    }

    private Void apply(AlertContext.Config cfg, Connection c, List<In> ins, Instant now) throws SQLException {
        Set<String> fps = new LinkedHashSet<>();
        ins.forEach(i -> fps.add(i.fingerprint()));
        // read without locks: a repeated FIRING only appends an observation, so only the alerts this batch changes
        // (resolves, raised severities) are locked and read again, and a repeat costs no write to its alert's row
        Map<String, AlertRow> active = ctx.alerts.activeByFingerprint(c, fps);
        Classifier.Classified[] classified = new Classifier.Classified[ins.size()];
        Set<AlertRow> locked = lockChanging(cfg, c, ins, active, classified);
        Map<String, Instant> replay = lateCopies(cfg, c, ins, active, now);
        IntakeBatch batch = new IntakeBatch(ctx, cfg, groupMessages, now, locked);
        for (int n = 0; n < ins.size(); n++) {
            In in = ins.get(n);
            AlertRow row = active.get(in.fingerprint());
            if (in.signal().firing()) {
                if (row != null) {
                    batch.repeat(in, row, classified[n]);
                    continue;
                }
                Instant resolvedAt = replay.get(in.fingerprint());
                if (resolvedAt != null && !in.signal().at().isAfter(resolvedAt))
                    continue; // a late copy of what was already resolved
                active.put(in.fingerprint(), batch.open(in));
            } else if (row != null) {
                batch.resolve(in, row);
                active.remove(in.fingerprint());
            }
        }
        batch.write(c);
        return null;
    }

    /**
     * Locks, in id order, the active alerts this batch changes (resolves, raised severities) and puts them back
     * read whole, if still active: resolved meanwhile, a FIRING in this batch opens a new alert. Fills
     * {@code classified} for the FIRING signals of stored alerts.
     */
    private Set<AlertRow> lockChanging(
            AlertContext.Config cfg,
            Connection c,
            List<In> ins,
            Map<String, AlertRow> active,
            Classifier.Classified[] classified)
            throws SQLException {
        Set<String> changing = new TreeSet<>();
        for (int n = 0; n < ins.size(); n++) {
            In i = ins.get(n);
            AlertRow row = active.get(i.fingerprint());
            if (row == null) continue;
            if (!i.signal().firing()) changing.add(i.fingerprint());
            else {
                classified[n] = cfg.classifier().classify(i.signal(), i.labels());
                if (Lifecycle.raises(
                        row.severity.ordinal(), classified[n].severity().ordinal())) changing.add(i.fingerprint());
            }
        }
        Set<AlertRow> locked = Collections.newSetFromMap(new IdentityHashMap<>());
        if (changing.isEmpty()) return locked;
        List<String> ids = new ArrayList<>();
        for (String fp : changing) ids.add(active.remove(fp).id);
        for (AlertRow r : ctx.alerts.lockByIds(c, ids)) {
            if (!r.active()) continue;
            active.put(r.fingerprint, r);
            locked.add(r);
        }
        return locked;
    }

    /**
     * Senders retry (Alertmanager re-sends a webhook that failed): within group_interval of a RESOLVED signal, a
     * FIRING no newer than it is a late copy; after that, the problem is back and makes a new alert. For the
     * fingerprints firing in this batch with no active alert, the time the RESOLVED signal carried.
     */
    private Map<String, Instant> lateCopies(
            AlertContext.Config cfg, Connection c, List<In> ins, Map<String, AlertRow> active, Instant now)
            throws SQLException {
        Set<String> unknown = new LinkedHashSet<>();
        for (In i : ins) {
            if (i.signal().firing() && !active.containsKey(i.fingerprint())) unknown.add(i.fingerprint());
        }
        if (unknown.isEmpty()) return Map.of();
        return ctx.alerts.recentlyResolved(c, unknown, now.minus(cfg.groupInterval()));
    }
}
