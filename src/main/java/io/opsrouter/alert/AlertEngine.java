package io.opsrouter.alert;

import io.opsrouter.outbox.ChannelDirectory;
import io.opsrouter.store.StateStore;
import io.opsrouter.watchdog.Progress;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The alert pipeline's one entry point: signals in, alerts stored and deduplicated by fingerprint, grouped, muted
 * by silences and inhibition, announced through the outbox by the escalation policy, escalated and repeated by the
 * sweep, stopped by acknowledgement, closed by resolution. Every change and the notifications it causes are written
 * in one transaction; nothing is kept only in memory.
 *
 * <p>What an alert goes through is decided by {@link io.opsrouter.alert.lifecycle.Lifecycle}; the work is done by
 * {@link SignalIntake}, {@link GroupMessages}, {@link EscalationSweep}, {@link OperatorActions} and {@link AlertQueries},
 * which this hands each call to.
 */
public final class AlertEngine implements AlertIntake {
    private final AlertContext ctx;
    private final SignalIntake intake;
    private final GroupMessages groupMessages;
    private final EscalationSweep sweep;
    private final OperatorActions actions;
    private final AlertQueries queries;

    public AlertEngine(
            StateStore store,
            Clock clock,
            AlertRules rules,
            EscalationPolicies policies,
            AckTokens tokens,
            String publicUrl,
            Supplier<ChannelDirectory> channels,
            AlertMeters meters) {
        this.ctx = new AlertContext(store, clock, tokens, publicUrl, channels, meters, rules, policies);
        this.groupMessages = new GroupMessages(ctx);
        this.intake = new SignalIntake(ctx, groupMessages);
        this.sweep = new EscalationSweep(ctx, groupMessages);
        this.actions = new OperatorActions(ctx);
        this.queries = new AlertQueries(ctx);
    }

    public Clock clock() {
        return ctx.clock;
    }

    public AckTokens tokens() {
        return ctx.tokens;
    }

    public AlertRules rules() {
        return ctx.config().rules();
    }

    public EscalationPolicies policies() {
        return ctx.config().policies();
    }

    /** Puts reloaded rules and policies in force; operations under way finish with the ones they started with. */
    public void replaceConfig(AlertRules rules, EscalationPolicies policies) {
        ctx.replaceConfig(rules, policies);
    }

    // ------------------------------------------------------------------ intake

    @Override
    public void admit(List<Signal> signals) {
        intake.admit(signals);
    }

    /** {@link #admit} as if {@code queued} requests waited for the writer, for tests (named apart for Camel). */
    void admitAsIfQueued(List<Signal> signals, int queued) {
        intake.admit(signals, queued);
    }

    /**
     * Stores the signals and the notifications they cause in one transaction, shared with other callers of the
     * same moment; returns once they are committed. Idempotent.
     */
    @Override
    public void accept(List<Signal> signals) {
        intake.accept(signals);
    }

    /** Where the intake's writes report progress: the router's watchdog ({@code alerts-intake}). */
    public void watch(Progress progress) {
        intake.watch(progress);
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

    /** Moves repeated signals' times and values into their alerts' rows; returns how many were folded. */
    public int foldObservations() {
        return sweep.foldObservations();
    }

    /** Pending alerts whose rule's {@code for} has passed start firing (their group's wait starts). */
    public int startPendingThatLasted() {
        return sweep.startPendingThatLasted();
    }

    /** Groups whose group_wait or group_interval has passed: one message for their new alerts. */
    public int sendDueGroupMessages() {
        return groupMessages.sendDue();
    }

    /** Unacknowledged alerts due: the next step of their policy, or a reminder after the last; {escalated, reminded}. */
    public int[] escalateUnacknowledged() {
        return sweep.escalateUnacknowledged();
    }

    // ------------------------------------------------------------------ people acting

    /** What acknowledging or resolving did to each alert named. */
    public record Outcome(
            List<Map<String, Object>> changed, List<String> unchanged, List<String> notFound, List<String> resolved) {}

    public Outcome acknowledge(List<String> ids, String by) {
        return acknowledge(ids, by, AckVia.API);
    }

    /** Acknowledges, recording how ({@code via}): the notices name who and how. */
    public Outcome acknowledge(List<String> ids, String by, AckVia via) {
        return actions.act(ids, by, true, via);
    }

    public Outcome resolve(List<String> ids, String by) {
        return actions.act(ids, by, false, null);
    }

    public Silence silence(
            Map<String, String> match,
            Map<String, String> matchRe,
            Instant startsAt,
            Instant endsAt,
            String createdBy,
            String comment) {
        return actions.silence(match, matchRe, startsAt, endsAt, createdBy, comment);
    }

    public List<Silence> silences(boolean includeExpired) {
        return actions.silences(includeExpired);
    }

    public boolean expireSilence(String id) {
        return actions.expireSilence(id);
    }

    // ------------------------------------------------------------------ reading

    public void refreshMeters() {
        queries.refreshMeters();
    }

    public List<Map<String, Object>> list(String status, Severity severity, Map<String, String> labels, int limit) {
        return queries.list(status, severity, labels, limit);
    }

    /** The alert with its history, or null. */
    public Map<String, Object> get(String id) {
        return queries.get(id);
    }

    /** The alerts an acknowledgement link means: those it names, or its group's alerts announced by its moment. */
    public List<String> ackTargets(AckTokens.Valid v) {
        return queries.ackTargets(v);
    }

    /** The signed token a short acknowledgement code stands for, or null for a code never issued (or long expired). */
    public String ackToken(String code) {
        return ctx.store.read(c -> AckCodes.token(c, code));
    }

    /** Short descriptions of alerts for the acknowledgement page. */
    public List<Map<String, Object>> describe(List<String> ids) {
        return queries.describe(ids);
    }
}
