package io.opsrouter.alert;

import io.opsrouter.app.Json;
import io.opsrouter.outbox.AlertView;
import io.opsrouter.outbox.ChannelDirectory;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.Notification.Kind;
import io.opsrouter.outbox.Recipient;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Writes the messages an alert change causes into the outbox, on the caller's connection and transaction: to a
 * policy step's targets (falling back to {@code log} for a channel that is not enabled or a person without that
 * contact), or to exactly those told before. Records who was told and the history.
 */
final class Announcer {
    static final int MAX_IDS_IN_LINK = 3;
    private final AlertRecipients recipients;
    private final EscalationPolicies policies;
    private final AckTokens tokens;
    private final String publicUrl;
    private final Supplier<ChannelDirectory> channels;
    private final Classifier classifier;

    Announcer(
            AlertRecipients recipients,
            EscalationPolicies policies,
            AckTokens tokens,
            String publicUrl,
            Supplier<ChannelDirectory> channels,
            Classifier classifier) {
        this.recipients = recipients;
        this.policies = policies;
        this.tokens = tokens;
        this.publicUrl = publicUrl;
        this.channels = channels;
        this.classifier = classifier;
    }

    private record Delivery(ChannelName channel, String recipientKey, Recipient recipient) {}

    void toTargets(
            Connection c,
            Kind kind,
            Severity severity,
            String groupKey,
            List<AlertRow> alerts,
            List<EscalationPolicies.Target> targets,
            String keyBase,
            Instant now,
            Outgoing out)
            throws SQLException {
        toTargets(c, kind, severity, groupKey, alerts, List.of(), targets, keyBase, now, out);
    }

    /**
     * {@code earlier}: the names of the group's alerts announced before and still firing, when {@code alerts} are
     * new ones added to that group (the message says which are new); empty otherwise.
     */
    void toTargets(
            Connection c,
            Kind kind,
            Severity severity,
            String groupKey,
            List<AlertRow> alerts,
            List<String> earlier,
            List<EscalationPolicies.Target> targets,
            String keyBase,
            Instant now,
            Outgoing out)
            throws SQLException {
        ChannelDirectory dir = channels.get();
        Map<String, Delivery> deliveries = new LinkedHashMap<>();
        boolean office = policies.businessHours().contains(now);
        for (EscalationPolicies.Target t : targets) {
            if (t.businessHoursOnly() && !office) continue;
            if (t.to() == null) {
                ChannelName ch = dir.enabled(t.channel()) ? t.channel() : ChannelName.LOG;
                deliveries.putIfAbsent(ch + ":-", new Delivery(ch, "-", null));
                continue;
            }
            for (EscalationPolicies.Person p : policies.resolve(t.to(), now)) {
                ChannelName ch =
                        t.channel().reaches(p.recipient()) && dir.enabled(t.channel()) ? t.channel() : ChannelName.LOG;
                deliveries.putIfAbsent(ch + ":" + p.id(), new Delivery(ch, p.id(), p.recipient()));
            }
        }
        deliver(c, kind, severity, groupKey, alerts, earlier, deliveries.values(), keyBase, now, out, true);
    }

    /** Acknowledged, resolved and reminder notices go to exactly the channels and people told before. */
    void toTold(Connection c, Kind kind, List<AlertRow> alerts, Instant now, Outgoing out) throws SQLException {
        if (alerts.isEmpty()) return;
        ChannelDirectory dir = channels.get();
        Map<String, AlertRow> byId = new HashMap<>();
        alerts.forEach(a -> byId.put(a.id, a));
        // one message per group and recipient, listing that group's alerts
        Map<String, Map<String, Delivery>> perGroup = new TreeMap<>();
        Map<String, List<AlertRow>> groupAlerts = new TreeMap<>();
        Map<String, Set<String>> alertsPerDelivery = new HashMap<>();
        for (AlertRecipients.Told t : recipients.about(c, byId.keySet())) {
            AlertRow a = byId.get(t.alertId());
            ChannelName ch = ChannelName.parse(t.channel()).filter(dir::enabled).orElse(ChannelName.LOG);
            Recipient r = recipient(t.recipientJson());
            String gk = a.groupId;
            perGroup.computeIfAbsent(gk, k -> new LinkedHashMap<>())
                    .putIfAbsent(ch + ":" + t.recipientKey(), new Delivery(ch, t.recipientKey(), r));
            alertsPerDelivery
                    .computeIfAbsent(gk + "|" + ch + ":" + t.recipientKey(), k -> new LinkedHashSet<>())
                    .add(a.id);
        }
        for (AlertRow a : alerts)
            groupAlerts.computeIfAbsent(a.groupId, k -> new ArrayList<>()).add(a);
        for (var e : perGroup.entrySet()) {
            for (Delivery d : e.getValue().values()) {
                List<AlertRow> told = groupAlerts.get(e.getKey()).stream()
                        .filter(a -> alertsPerDelivery
                                .get(e.getKey() + "|" + d.channel() + ":" + d.recipientKey())
                                .contains(a.id))
                        .sorted(java.util.Comparator.comparing(a -> a.id))
                        .toList();
                AlertRow first = told.get(0);
                // the severity is part of the key: an alert raised from P2 to P1 starts its reminders and notices
                // afresh
                String keyBase = kind.label() + ":" + first.id + ":" + first.severity
                        + (kind == Kind.REMINDER ? ":" + first.reminders : "");
                deliver(
                        c,
                        kind,
                        first.severity,
                        classifier.groupKey(first),
                        told,
                        List.of(),
                        List.of(d),
                        keyBase,
                        now,
                        out,
                        kind == Kind.REMINDER);
            }
        }
    }

    private void deliver(
            Connection c,
            Kind kind,
            Severity severity,
            String groupKey,
            List<AlertRow> alerts,
            List<String> earlier,
            Collection<Delivery> to,
            String keyBase,
            Instant now,
            Outgoing out,
            boolean ackable)
            throws SQLException {
        if (to.isEmpty() || alerts.isEmpty()) return;
        List<AlertView> views = alerts.stream().map(AlertRow::view).toList();
        String ackUrl = null;
        if (ackable) {
            // the message names a short code (/a/7KQ2XM8P) for the signed token, so an SMS keeps room for its text
            String code = AckCodes.newCode();
            out.addCode(new AckCodes.Issued(code, ackToken(alerts, now), tokens.expiry(now)));
            ackUrl = publicUrl + "/a/" + code;
        }
        for (Delivery d : to) {
            Notification n = new Notification(
                    keyBase + ":" + d.channel() + ":" + d.recipientKey(),
                    d.channel(),
                    d.recipient(),
                    kind,
                    severity.name(),
                    groupKey,
                    views,
                    ackUrl,
                    null,
                    earlier);
            String who = d.recipient() == null ? null : d.recipient().name();
            List<AlertHistory.Event> notified = new ArrayList<>(alerts.size());
            List<AlertRecipients.Told> told = new ArrayList<>(alerts.size());
            for (AlertRow a : alerts) {
                notified.add(new AlertHistory.Event(
                        a.id,
                        now,
                        "notified",
                        d.channel().id(),
                        who,
                        null,
                        kind.label()
                                + (a.step >= 0 && kind != Kind.RESOLVED && kind != Kind.ACKNOWLEDGED
                                        ? " step " + a.step
                                        : "")));
                if (kind != Kind.RESOLVED && kind != Kind.ACKNOWLEDGED) {
                    told.add(new AlertRecipients.Told(
                            a.id,
                            d.channel().id(),
                            d.recipientKey(),
                            d.recipient() == null ? null : Json.write(d.recipient())));
                }
            }
            out.add(n, notified, told);
        }
    }

    private static Recipient recipient(String json) {
        if (json == null) return null;
        try {
            return Json.MAPPER.readValue(json, Recipient.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored recipient unreadable", e);
        }
    }

    /** Up to three alerts are named in the link; for more, the link names their group, so it fits in an SMS. */
    private String ackToken(List<AlertRow> alerts, Instant now) {
        boolean oneGroup = alerts.stream().allMatch(a -> a.groupId.equals(alerts.get(0).groupId));
        if (alerts.size() <= MAX_IDS_IN_LINK || !oneGroup)
            return tokens.issue(alerts.stream().map(a -> a.id).toList(), now);
        return tokens.issueForGroup(alerts.get(0).groupId, now, now);
    }
}
