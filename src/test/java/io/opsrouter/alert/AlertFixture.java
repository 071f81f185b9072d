package io.opsrouter.alert;

import io.opsrouter.app.Json;
import io.opsrouter.config.Env;
import io.opsrouter.metrics.RouterMetrics;
import io.opsrouter.outbox.ChannelDirectory;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Notification;
import io.opsrouter.store.StateStore;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An alert engine on a real store with a movable clock and the outbox read back as rows. */
final class AlertFixture implements AutoCloseable {
    static final String RULES = """
            grouping:
              by: [service]
              groupWait: 30s
              groupInterval: 5m
              repeatInterval: 1h
            rules:
              - name: site-unreachable
                match: {source: probe}
                matchRe: {monitor: "frontend|supabase-.*"}
                severity: P1
                summary: "{{monitor}} is unreachable"
                runbook: docs/alerts.md#site-unreachable
              - name: slow-site
                match: {source: probe, monitor: slow}
                for: 2m
                severity: P1
                summary: "{{monitor}} is slow"
              - name: tls-7
                match: {kind: tls}
                values: {days_left: "< 7"}
                severity: P1
              - name: tls-30
                match: {kind: tls}
                values: {days_left: "< 30"}
                severity: P2
              - name: latency
                matchRe: {alertname: ".*latency.*"}
                severity: P2
            inhibitRules:
              - name: frontend-down-mutes-latency
                sourceMatch: {alertname: frontend}
                targetMatchRe: {alertname: ".*latency.*"}
                equal: [service]
            maintenanceWindows:
              - name: nightly-batch
                match: {service: batch}
                start: "01:00"
                duration: 2h
                zone: UTC
            """;

    static final String POLICIES = """
            people:
              primary: {name: Pat Primary, phone: "+15145550001", email: pat@example.com}
              secondary: {name: Sam Second, phone: "+15145550002", email: sam@example.com}
            rotation: {members: [primary], start: "2026-01-05T09:00", zone: America/Toronto}
            secondary: secondary
            businessHours: {days: [MON, TUE, WED, THU, FRI], start: "09:00", end: "17:00", zone: America/Toronto}
            policies:
              P1:
                steps:
                  - notify: [{channel: slack}, {channel: sms, to: primary}, {channel: email, to: primary}]
                  - after: 1m
                    notify: [{channel: sms, to: secondary}, {channel: email, to: secondary}]
                  - after: 1m
                    notify: [{channel: sms, to: everyone}]
                repeat: 15m
              P2:
                steps:
                  - notify: [{channel: slack}, {channel: email, to: primary}, {channel: sms, to: primary, businessHoursOnly: true}]
                  - after: 30m
                    notify: [{channel: email, to: secondary}]
              P3:
                steps:
                  - notify: [{channel: slack}]
            """;

    /** Tuesday 2026-11-24 03:00 UTC: 22:00 on Monday in Toronto, outside business hours. */
    static final Instant NIGHT = Instant.parse("2026-11-24T03:00:00Z");

    final StateStore store;
    final MovableClock clock;
    final AlertEngine engine;
    final RouterMetrics metrics = new RouterMetrics("test");

    AlertFixture(StateStore store, MovableClock clock, String rules, ChannelDirectory channels) {
        this.store = store;
        this.clock = clock;
        Env env = new Env(Map.of());
        AlertRules r = AlertRules.parse(rules, env);
        EscalationPolicies p =
                EscalationPolicies.parse(POLICIES, env, r.grouping().repeatInterval());
        AckTokens tokens = new AckTokens(
                "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8), java.time.Duration.ofHours(24));
        this.engine = new AlertEngine(
                store,
                clock,
                r,
                p,
                tokens,
                "https://ops.example.com",
                () -> channels,
                new AlertMeters(metrics.registry()));
    }

    static final ChannelDirectory ALL = ChannelDirectory.of(
            java.util.Set.of(ChannelName.SLACK, ChannelName.EMAIL, ChannelName.SMS, ChannelName.LOG));

    static Signal firing(String monitor, String service) {
        return probe(monitor, service, Signal.State.FIRING, Map.of());
    }

    static Signal resolved(String monitor, String service) {
        return probe(monitor, service, Signal.State.RESOLVED, Map.of());
    }

    static Signal probe(String monitor, String service, Signal.State state, Map<String, Double> values) {
        return new Signal(
                "probe",
                monitor,
                Map.of("alertname", monitor, "monitor", monitor, "service", service, "kind", "http"),
                Map.of(),
                values,
                state,
                null,
                Instant.parse("2026-11-24T03:00:00Z"),
                null);
    }

    record Row(String key, String channel, String recipient, String kind, String severity, Notification notification) {}

    List<Row> outbox() {
        return store.read(c -> {
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT idempotency_key, channel, recipient, kind, severity, payload FROM outbox ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Notification n;
                    try {
                        n = Json.MAPPER.readValue(rs.getString(6), Notification.class);
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                    rows.add(new Row(
                            rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), n));
                }
            }
            return rows;
        });
    }

    /** "channel recipient kind" for each row, e.g. "sms +15145550001 firing", "slack - firing". */
    List<String> sent() {
        return outbox().stream()
                .map(r -> r.channel() + " " + contact(r) + " " + r.kind())
                .toList();
    }

    /** The outbox row's recipient column: the e-mail address for e-mail, the phone for SMS. */
    private static String contact(Row r) {
        var p = r.notification().recipient();
        if (p == null) return "-";
        return r.recipient();
    }

    List<String> sentSince(int from) {
        List<String> all = sent();
        return all.subList(from, all.size());
    }

    Map<String, Object> only(String status) {
        List<Map<String, Object>> l = engine.list(status, null, Map.of(), 100);
        if (l.size() != 1) throw new AssertionError("expected one " + status + " alert, found " + l);
        return l.get(0);
    }

    @Override
    public void close() {
        store.close();
    }
}
