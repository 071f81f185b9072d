package io.opsrouter.alert;

import io.opsrouter.alert.lifecycle.Escalation;
import io.opsrouter.outbox.ChannelDirectory;
import io.opsrouter.outbox.Handover;
import io.opsrouter.store.StateStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the alert services share: the store and its tables, the clock, the meters, and the rules and policies in
 * force (replaced whole by a reload, read once per operation).
 */
final class AlertContext {
    final StateStore store;
    final Clock clock;
    final AckTokens tokens;
    final AlertMeters meters;
    final AlertRepository alerts;
    final AlertGroups groups;
    final AlertHistory history = new AlertHistory();
    final AlertRecipients recipients = new AlertRecipients();
    final AlertObservations observations = new AlertObservations();
    final SilenceStore silences = new SilenceStore();
    private final String publicUrl;
    private final Supplier<ChannelDirectory> channels;
    private volatile Config config;

    /** The rules and policies in force, with what is built from them. */
    record Config(
            AlertRules rules,
            EscalationPolicies policies,
            Classifier classifier,
            Announcer announcer,
            Map<Severity, Escalation> escalations) {
        /** The timing of a severity's policy, as the lifecycle takes it. */
        Escalation escalation(Severity s) {
            return escalations.get(s);
        }

        Duration groupInterval() {
            return rules.grouping().groupInterval();
        }
    }

    AlertContext(
            StateStore store,
            Clock clock,
            AckTokens tokens,
            String publicUrl,
            Supplier<ChannelDirectory> channels,
            AlertMeters meters,
            AlertRules rules,
            EscalationPolicies policies) {
        this.store = store;
        this.clock = clock;
        this.tokens = tokens;
        this.publicUrl = publicUrl;
        this.channels = channels;
        this.meters = meters;
        this.alerts = new AlertRepository(store.dialect());
        this.groups = new AlertGroups(store.dialect());
        this.config = config(rules, policies);
    }

    /** Delivery in this process taking new outbox rows from the writing transaction, or null. */
    Handover handover() {
        return channels.get().handover();
    }

    Config config() {
        return config;
    }

    /** Puts reloaded rules and policies in force; operations under way finish with the ones they started with. */
    void replaceConfig(AlertRules rules, EscalationPolicies policies) {
        config = config(rules, policies);
    }

    private Config config(AlertRules rules, EscalationPolicies policies) {
        Classifier classifier = new Classifier(rules);
        Map<Severity, Escalation> escalations = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            EscalationPolicies.Policy p = policies.policy(s);
            if (p != null)
                escalations.put(
                        s,
                        new Escalation(
                                p.steps().stream()
                                        .map(EscalationPolicies.Step::after)
                                        .toList(),
                                p.repeat()));
        }
        return new Config(
                rules,
                policies,
                classifier,
                new Announcer(recipients, policies, tokens, publicUrl, channels, classifier),
                escalations);
    }

    /**
     * The clock cut to what the store keeps (microseconds): a time written and read back must compare equal,
     * or a group due "now" reads back a rounded-up instant, looks not yet due, and waits for the next sweep.
     */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** What mutes alerts at this moment: silences, maintenance windows, inhibitions. */
    Mutes mutes(Connection c, Instant now, Config cfg) throws SQLException {
        return new Mutes(c, now, cfg.rules(), silences);
    }
}
