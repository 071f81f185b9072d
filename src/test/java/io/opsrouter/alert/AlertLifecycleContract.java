package io.opsrouter.alert;

import static io.opsrouter.alert.AlertFixture.firing;
import static io.opsrouter.alert.AlertFixture.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.outbox.ChannelDirectory;
import io.opsrouter.outbox.Notification;
import io.opsrouter.store.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The alert lifecycle, run on each store (H2 and PostgreSQL) by a subclass. */
abstract class AlertLifecycleContract {
    static final String PAT_SMS = "sms +15145550001";
    static final String PAT_MAIL = "email pat@example.com";
    static final String SAM_SMS = "sms +15145550002";
    static final String SAM_MAIL = "email sam@example.com";

    MovableClock clock = new MovableClock(AlertFixture.NIGHT);
    AlertFixture f;

    /** A store on a fresh database; called again by the restart test to reopen the same one. */
    abstract StateStore openStore();

    AlertFixture fixture(ChannelDirectory channels) {
        f = new AlertFixture(openStore(), clock, AlertFixture.RULES, channels);
        return f;
    }

    @AfterEach
    void closeFixture() {
        if (f != null) f.close();
    }

    AlertEngine.SweepResult after(Duration d) {
        clock.advance(d);
        return f.engine.sweep();
    }

    @Test
    void repeatedSignalsMakeOneAlertAndOneMessagePerTarget() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(firing("frontend", "frontend"), firing("frontend", "frontend")));
        f.engine.accept(List.of(firing("frontend", "frontend")));
        clock.advance(Duration.ofSeconds(10));
        f.engine.accept(List.of(firing("frontend", "frontend")));
        assertThat(f.engine.list(null, null, Map.of(), 100)).hasSize(1);
        assertThat(f.sent()).isEmpty(); // group_wait has not passed

        after(Duration.ofSeconds(20));
        assertThat(f.sent()).containsExactly("slack - firing", PAT_SMS + " firing", PAT_MAIL + " firing");
        f.engine.accept(List.of(firing("frontend", "frontend")));
        after(Duration.ofSeconds(30));
        assertThat(f.sent()).hasSize(3);
        Map<String, Object> a = f.only("firing");
        assertThat(a.get("severity")).isEqualTo("P1");
        assertThat(a.get("summary")).isEqualTo("frontend is unreachable");
        assertThat(a.get("lastSeen")).isEqualTo(AlertFixture.NIGHT.plusSeconds(30));
    }

    @Test
    void aRepeatsTimeAndValuesReachItsAlertWhenFoldedAndNeverMoveItBack() {
        fixture(AlertFixture.ALL);
        f.engine.accept(
                List.of(AlertFixture.probe("frontend", "frontend", Signal.State.FIRING, Map.of("latency_ms", 900.0))));
        clock.advance(Duration.ofSeconds(10));
        f.engine.accept(
                List.of(AlertFixture.probe("frontend", "frontend", Signal.State.FIRING, Map.of("latency_ms", 1200.0))));
        clock.advance(Duration.ofSeconds(10));
        f.engine.accept(List.of(firing("frontend", "frontend"))); // carries no values: the last ones stay

        assertThat(f.engine.foldObservations()).isEqualTo(2);
        Map<String, Object> a = f.only("firing");
        assertThat(a.get("lastSeen")).isEqualTo(AlertFixture.NIGHT.plusSeconds(20));
        assertThat(a.get("values")).isEqualTo(Map.of("latency_ms", 1200.0));
        assertThat(f.engine.foldObservations()).isZero();

        // a repeat folded after the alert was resolved does not move its times back or reopen it
        clock.advance(Duration.ofSeconds(10));
        f.engine.accept(
                List.of(AlertFixture.probe("frontend", "frontend", Signal.State.FIRING, Map.of("latency_ms", 5000.0))));
        clock.advance(Duration.ofSeconds(10));
        f.engine.accept(List.of(resolved("frontend", "frontend")));
        assertThat(f.engine.foldObservations()).isEqualTo(1);
        Map<String, Object> r = f.only("resolved");
        assertThat(r.get("lastSeen")).isEqualTo(AlertFixture.NIGHT.plusSeconds(40));
        assertThat(f.engine.list("firing", null, Map.of(), 10)).isEmpty();
    }

    @Test
    void aRepeatAcceptedBeforeARestartIsFoldedAfterIt() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(firing("frontend", "frontend")));
        clock.advance(Duration.ofSeconds(10));
        f.engine.accept(
                List.of(AlertFixture.probe("frontend", "frontend", Signal.State.FIRING, Map.of("latency_ms", 1200.0))));
        f.close();

        f = new AlertFixture(openStore(), clock, AlertFixture.RULES, AlertFixture.ALL);
        f.engine.sweep();
        Map<String, Object> a = f.only("firing");
        assertThat(a.get("lastSeen")).isEqualTo(AlertFixture.NIGHT.plusSeconds(10));
        assertThat(a.get("values")).isEqualTo(Map.of("latency_ms", 1200.0));
    }

    @Test
    void acceptingTheSameBatchTwiceIsIdempotent() {
        fixture(AlertFixture.ALL);
        List<Signal> batch = List.of(firing("frontend", "frontend"), firing("supabase-rest", "backend"));
        f.engine.accept(batch);
        after(Duration.ofSeconds(30));
        int sent = f.sent().size();
        f.engine.accept(batch);
        after(Duration.ofSeconds(30));
        assertThat(f.sent()).hasSize(sent);
        assertThat(f.engine.list(null, null, Map.of(), 100)).hasSize(2);

        List<Signal> resolve = List.of(resolved("frontend", "frontend"));
        f.engine.accept(resolve);
        f.engine.accept(resolve);
        assertThat(f.sent().stream().filter(s -> s.endsWith("resolved"))).hasSize(3);
        // a late copy of the firing signal (Alertmanager retries) does not reopen it
        f.engine.accept(List.of(firing("frontend", "frontend")));
        assertThat(f.engine.list("firing", null, Map.of(), 100)).hasSize(1);
    }

    @Test
    void manyCallersAtOnceShareTransactionsAndStillMakeOneAlertAndOneMessageEach() throws Exception {
        fixture(AlertFixture.ALL);
        List<String> services = List.of("frontend", "supabase-rest", "supabase-auth", "vapi", "twilio", "slack-api");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<?>> callers = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                callers.add(pool.submit(() -> {
                    for (int i = 0; i < 30; i++) {
                        String s = services.get(i % services.size());
                        f.engine.accept(List.of(firing(s, s)));
                        // accept returned: the alert is stored
                        assertThat(f.engine.list("firing", null, Map.of("service", s), 10))
                                .hasSize(1);
                    }
                    return null;
                }));
            }
            for (var c : callers) c.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(f.engine.list(null, null, Map.of(), 100)).hasSize(services.size());
        after(Duration.ofSeconds(30));
        assertThat(f.sent().stream().filter(s -> s.startsWith("slack"))).hasSize(services.size());
    }

    @Test
    void aResolveWaitsBehindAnotherTransactionsAlertLocksWithoutADeadlock() throws Exception {
        fixture(AlertFixture.ALL);
        // two alerts whose fingerprints sort the other way round from their ids (an id begins with its creation time)
        f.engine.accept(List.of(firing("frontend", "frontend")));
        String frontendFp = (String) f.only("firing").get("fingerprint");
        String later = java.util.stream.IntStream.range(0, 100)
                .mapToObj(i -> "svc-" + i)
                .filter(m -> Fingerprint.of(firing(m, m).labels()).compareTo(frontendFp) < 0)
                .findFirst()
                .orElseThrow();
        clock.advance(Duration.ofSeconds(10));
        f.engine.accept(List.of(firing(later, later)));
        String first = (String) f.engine
                .list("firing", null, Map.of("service", "frontend"), 1)
                .get(0)
                .get("id");
        String second = (String) f.engine
                .list("firing", null, Map.of("service", later), 1)
                .get(0)
                .get("id");
        assertThat(first).isLessThan(second);

        var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (java.sql.Connection other = f.store.dataSource().getConnection()) {
            // another transaction (a fold, a sweep) locks both alerts, in id order, around a resolve of both
            other.setAutoCommit(false);
            touch(other, first);
            var resolving = pool.submit(
                    () -> f.engine.accept(List.of(resolved("frontend", "frontend"), resolved(later, later))));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(this::someoneWaitsForALock);
            // the resolve waits for the first alert holding no lock on the second (it locks in id order too), so
            // the other transaction takes the second at once instead of closing a circle that fails one of them
            try (var ps = other.prepareStatement("SELECT id FROM alerts WHERE id = ? FOR UPDATE NOWAIT")) {
                ps.setString(1, second);
                ps.executeQuery().close();
            }
            touch(other, second);
            other.commit();
            resolving.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(f.engine.list("resolved", null, Map.of(), 10)).hasSize(2);
    }

    private static void touch(java.sql.Connection c, String alertId) throws java.sql.SQLException {
        try (var ps = c.prepareStatement("UPDATE alerts SET last_seen = last_seen WHERE id = ?")) {
            ps.setString(1, alertId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private boolean someoneWaitsForALock() {
        String sql = f.store.dialect() == io.opsrouter.store.Dialect.H2
                ? "SELECT COUNT(*) FROM information_schema.sessions WHERE blocker_id IS NOT NULL"
                : "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()";
        return f.store.read(c -> {
            try (var rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        });
    }

    @Test
    void aBatchThatResolvesAndThenFiresTheSameAlertClosesItAndOpensANewOne() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(firing("frontend", "frontend")));
        after(Duration.ofSeconds(30));
        f.engine.accept(List.of(resolved("frontend", "frontend"), firing("frontend", "frontend")));
        assertThat(f.engine.list("resolved", null, Map.of(), 10)).hasSize(1);
        assertThat(f.engine.list("firing", null, Map.of(), 10)).hasSize(1);
        assertThat(f.engine.list("firing", null, Map.of(), 10).get(0).get("id"))
                .isNotEqualTo(
                        f.engine.list("resolved", null, Map.of(), 10).get(0).get("id"));
    }

    @Test
    void aLateCopyIsIgnoredOnlyShortlyAfterAResolvedSignal() {
        fixture(AlertFixture.ALL);
        Instant started = clock.instant();
        Map<String, String> labels = Map.of("alertname", "HighErrors", "service", "api");
        Signal firing = new Signal(
                "alertmanager",
                "HighErrors",
                labels,
                Map.of(),
                Map.of(),
                Signal.State.FIRING,
                Severity.P2,
                started,
                "fp");
        f.engine.accept(List.of(firing));
        clock.advance(Duration.ofMinutes(1));
        f.engine.accept(List.of(new Signal(
                "alertmanager",
                "HighErrors",
                labels,
                Map.of(),
                Map.of(),
                Signal.State.RESOLVED,
                Severity.P2,
                clock.instant(),
                "fp")));
        f.engine.accept(List.of(firing)); // Alertmanager retrying the earlier webhook
        assertThat(f.engine.list(null, null, Map.of(), 10))
                .extracting(a -> a.get("status"))
                .containsExactly("resolved");
        clock.advance(Duration.ofMinutes(6)); // past group_interval: the same start time again means it is still firing
        f.engine.accept(List.of(firing));
        assertThat(f.engine.list("firing", null, Map.of(), 10)).hasSize(1);

        // resolved by a person while the sender still says firing: the next copy reopens it at once
        String id = (String) f.only("firing").get("id");
        f.engine.resolve(List.of(id), "pat");
        f.engine.accept(List.of(firing));
        assertThat(f.engine.list("firing", null, Map.of(), 10)).hasSize(1);
    }

    @Test
    void fingerprintIsTheSameWhicheverSourceSendsTheLabels() {
        fixture(AlertFixture.ALL);
        Map<String, String> labels =
                Map.of("alertname", "frontend", "monitor", "frontend", "service", "frontend", "kind", "http");
        f.engine.accept(List.of(new Signal(
                "probe", "frontend", labels, Map.of(), Map.of(), Signal.State.FIRING, null, clock.instant(), null)));
        f.engine.accept(List.of(new Signal(
                "alertmanager",
                "frontend",
                labels,
                Map.of(),
                Map.of(),
                Signal.State.RESOLVED,
                Severity.P1,
                clock.instant(),
                "am-fp-123")));
        Map<String, Object> a = f.only("resolved");
        assertThat(a.get("fingerprint")).isEqualTo(Fingerprint.of(labels));
        assertThat(a.get("resolvedBy")).isEqualTo("alertmanager");
    }

    @Test
    void alertsSharingGroupLabelsGoOutAsOneMessage() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(firing("supabase-rest", "backend")));
        clock.advance(Duration.ofSeconds(10));
        f.engine.accept(List.of(firing("supabase-auth", "backend")));
        after(Duration.ofSeconds(20));
        List<AlertFixture.Row> rows = f.outbox();
        assertThat(rows).hasSize(3);
        for (AlertFixture.Row r : rows) {
            assertThat(r.notification().alerts())
                    .extracting(v -> v.name())
                    .containsExactly("supabase-rest", "supabase-auth");
            assertThat(r.notification().groupKey()).isEqualTo("severity=P1,service=backend");
        }
        // a newcomer to a group already announced waits for group_interval after the last message
        f.engine.accept(List.of(firing("supabase-functions", "backend")));
        after(Duration.ofMinutes(4));
        assertThat(f.sent().stream().filter(s -> s.endsWith("firing"))).hasSize(3);
        after(Duration.ofMinutes(1));
        List<AlertFixture.Row> later =
                f.outbox().stream().filter(r -> r.kind().equals("firing")).toList();
        assertThat(later).hasSize(6);
        assertThat(later.get(5).notification().alerts())
                .extracting(v -> v.name())
                .containsExactly("supabase-functions");
    }

    /** The fixture's rules with group_wait zero: a new group's message is made in the intake transaction. */
    AlertFixture noGroupWait() {
        f = new AlertFixture(
                openStore(), clock, AlertFixture.RULES.replace("groupWait: 30s", "groupWait: 0s"), AlertFixture.ALL);
        return f;
    }

    /** Each group's seq, last and next message times, by group key. */
    Map<String, List<Object>> groupClocks() {
        return f.store.read(c -> {
            Map<String, List<Object>> out = new java.util.TreeMap<>();
            try (var ps = c.prepareStatement("SELECT group_key, seq, last_flush_at, next_flush_at FROM alert_groups");
                    var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(
                            rs.getString(1),
                            java.util.Arrays.asList(
                                    rs.getInt(2),
                                    io.opsrouter.store.Sql.instant(rs, 3),
                                    io.opsrouter.store.Sql.instant(rs, 4)));
                }
            }
            return out;
        });
    }

    @Test
    void aStormOfNewGroupsDueAtOnceSendsOneMessagePerGroupAndKeepsEachGroupsClock() {
        noGroupWait();
        List<Signal> storm = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) storm.add(firing("frontend", "svc-" + i));
        f.engine.accept(storm);
        f.engine.accept(storm); // repeats: nothing more
        List<AlertFixture.Row> rows = f.outbox();
        assertThat(rows).hasSize(120).allMatch(r -> r.kind().equals("firing"));
        assertThat(rows.stream().map(r -> r.notification().groupKey()).distinct())
                .hasSize(40);
        assertThat(rows).allMatch(r -> r.notification().alerts().size() == 1);
        assertThat(f.engine.list("firing", null, Map.of(), 100)).hasSize(40);
        assertThat(groupClocks())
                .hasSize(40)
                .allSatisfy((k, v) -> assertThat(v).containsExactly(1, AlertFixture.NIGHT, null));

        // the storm's alerts escalate like any announced alert (the fixture's P1 policy: step 2 after a minute)
        after(Duration.ofMinutes(1));
        assertThat(f.sentSince(120)).hasSize(80).allMatch(x -> x.endsWith("escalation"));
        // a newcomer to one of those groups waits for group_interval, as in any announced group
        f.engine.accept(List.of(firing("supabase-rest", "svc-7")));
        assertThat(f.outbox()).hasSize(200);
        after(Duration.ofMinutes(4));
        List<AlertFixture.Row> later = f.outbox().stream()
                .filter(r -> r.kind().equals("firing"))
                .skip(120)
                .toList();
        assertThat(later)
                .hasSize(3)
                .allMatch(r -> r.notification().alerts().size() == 1
                        && r.notification().alerts().get(0).name().equals("supabase-rest"));
        assertThat(groupClocks().get("severity=P1,service=svc-7"))
                .containsExactly(2, AlertFixture.NIGHT.plus(Duration.ofMinutes(5)), null);
    }

    @Test
    void aMutedAlertInANewGroupIsHeldAndItsGroupChecksAgainAfterGroupInterval() {
        noGroupWait();
        Silence s = f.engine.silence(
                Map.of("service", "quiet"),
                Map.of(),
                null,
                clock.instant().plus(Duration.ofMinutes(3)),
                "ops",
                "deploy");
        f.engine.accept(List.of(firing("frontend", "quiet"), firing("frontend", "loud")));
        assertThat(f.outbox())
                .hasSize(3)
                .allMatch(r -> r.notification().groupKey().equals("severity=P1,service=loud"));
        assertThat(groupClocks().get("severity=P1,service=quiet"))
                .containsExactly(0, null, AlertFixture.NIGHT.plus(Duration.ofMinutes(5)));
        assertThat(f.engine.expireSilence(s.id())).isTrue();
        after(Duration.ofMinutes(5));
        assertThat(f.outbox().stream().filter(r -> r.kind().equals("firing")))
                .filteredOn(r -> r.notification().groupKey().equals("severity=P1,service=quiet"))
                .hasSize(3);
    }

    @Test
    void aSourceAlertInhibitsATargetOfTheSameBatchInNewGroups() {
        noGroupWait();
        f.engine.accept(List.of(firing("frontend-latency", "frontend"), firing("frontend", "frontend")));
        List<String> announced = f.outbox().stream()
                .filter(r -> r.kind().equals("firing"))
                .flatMap(r -> r.notification().alerts().stream())
                .map(v -> v.name())
                .distinct()
                .toList();
        assertThat(announced).containsExactly("frontend");
    }

    @Test
    void aNewGroupAStoredAlertMovesIntoAnnouncesItWithTheNewAlertsOfTheSameBatch() {
        noGroupWait();
        Map<String, String> tls = Map.of("alertname", "tls-domain", "kind", "tls", "service", "web");
        f.engine.accept(List.of(new Signal(
                "probe",
                "tls-domain",
                tls,
                Map.of(),
                Map.of("days_left", 20.0),
                Signal.State.FIRING,
                null,
                clock.instant(),
                null)));
        assertThat(f.sent()).containsExactly("slack - firing", PAT_MAIL + " firing");
        clock.advance(Duration.ofSeconds(10));
        // raised to P1: it moves into group severity=P1,service=web, which a new alert of this batch also opens
        f.engine.accept(List.of(
                new Signal(
                        "probe",
                        "tls-domain",
                        tls,
                        Map.of(),
                        Map.of("days_left", 5.0),
                        Signal.State.FIRING,
                        null,
                        clock.instant(),
                        null),
                firing("frontend", "web")));
        List<AlertFixture.Row> p1 =
                f.outbox().stream().filter(r -> "P1".equals(r.severity())).toList();
        assertThat(p1).hasSize(3);
        for (AlertFixture.Row r : p1) {
            assertThat(r.notification().alerts())
                    .extracting(v -> v.name())
                    .containsExactlyInAnyOrder("tls-domain", "frontend");
        }
    }

    @Test
    void aGroupWhoseAlertsAreAllResolvedStartsOverWithGroupWait() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(firing("frontend", "frontend")));
        after(Duration.ofSeconds(30));
        f.engine.accept(List.of(resolved("frontend", "frontend")));
        after(Duration.ofMinutes(10));
        int before = f.sent().size();
        f.engine.accept(List.of(firing("frontend", "frontend")));
        after(Duration.ofSeconds(29));
        assertThat(f.sent()).hasSize(before);
        after(Duration.ofSeconds(1));
        assertThat(f.sentSince(before)).containsExactly("slack - firing", PAT_SMS + " firing", PAT_MAIL + " firing");
    }

    @Test
    void anAlertResolvedInsideGroupWaitIsNeverSent() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(firing("frontend", "frontend")));
        clock.advance(Duration.ofSeconds(10));
        f.engine.accept(List.of(resolved("frontend", "frontend")));
        after(Duration.ofMinutes(1));
        after(Duration.ofHours(1));
        assertThat(f.sent()).isEmpty();
        assertThat(f.only("resolved").get("notifiedAt")).isNull();
    }

    @Test
    void forDurationKeepsAnAlertPendingUntilItHasLasted() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(firing("slow", "frontend")));
        assertThat(f.only("pending")).isNotNull();
        after(Duration.ofMinutes(1));
        assertThat(f.sent()).isEmpty();
        after(Duration.ofMinutes(1)); // for: 2m has passed: firing, group_wait starts
        assertThat(f.only("firing")).isNotNull();
        assertThat(f.sent()).isEmpty();
        after(Duration.ofSeconds(30));
        assertThat(f.sent()).containsExactly("slack - firing", PAT_SMS + " firing", PAT_MAIL + " firing");
    }

    @Test
    void fullP1EscalationUntilAcknowledged() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(firing("frontend", "frontend")));
        after(Duration.ofSeconds(30));
        assertThat(f.sent()).containsExactly("slack - firing", PAT_SMS + " firing", PAT_MAIL + " firing");
        String id = (String) f.only("firing").get("id");

        after(Duration.ofSeconds(59));
        assertThat(f.sent()).hasSize(3);
        after(Duration.ofSeconds(1)); // step 1: the secondary
        assertThat(f.sentSince(3)).containsExactly(SAM_SMS + " escalation", SAM_MAIL + " escalation");
        after(Duration.ofMinutes(1)); // step 2: SMS to everyone (the rotation and the secondary)
        assertThat(f.sentSince(5)).containsExactly(PAT_SMS + " escalation", SAM_SMS + " escalation");
        assertThat(f.only("firing").get("escalationStep")).isEqualTo(2);
        after(Duration.ofMinutes(14));
        assertThat(f.sent()).hasSize(7);
        after(Duration.ofMinutes(1)); // reminders every 15 minutes to everyone told
        assertThat(f.sentSince(7))
                .containsExactlyInAnyOrder(
                        "slack - reminder",
                        PAT_SMS + " reminder",
                        PAT_MAIL + " reminder",
                        SAM_SMS + " reminder",
                        SAM_MAIL + " reminder");
        after(Duration.ofMinutes(15));
        assertThat(f.sent()).hasSize(17);

        AlertEngine.Outcome o = f.engine.acknowledge(List.of(id), "pat");
        assertThat(o.changed()).hasSize(1);
        assertThat(f.sentSince(17))
                .containsExactlyInAnyOrder(
                        "slack - acknowledged",
                        PAT_SMS + " acknowledged",
                        PAT_MAIL + " acknowledged",
                        SAM_SMS + " acknowledged",
                        SAM_MAIL + " acknowledged");
        AlertFixture.Row ackRow = f.outbox().get(17);
        assertThat(ackRow.notification().alerts().get(0).annotations()).containsEntry("acknowledged_by", "pat");
        assertThat(ackRow.notification().alerts().get(0).status()).isEqualTo("acknowledged");
        assertThat(ackRow.notification().ackUrl()).isNull();
        after(Duration.ofHours(2));
        assertThat(f.sent()).hasSize(22);
        assertThat(f.engine.acknowledge(List.of(id), "sam").unchanged()).containsExactly(id);
        assertThat(f.sent()).hasSize(22);

        f.engine.accept(List.of(resolved("frontend", "frontend")));
        assertThat(f.sentSince(22)).hasSize(5).allMatch(s -> s.endsWith("resolved"));
        assertThat(f.metrics
                        .registry()
                        .counter(io.opsrouter.metrics.MeterNames.ESCALATION_STEPS, "severity", "P1")
                        .count())
                .isEqualTo(2.0);

        Map<String, Object> withHistory = f.engine.get(id);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> history = (List<Map<String, Object>>) withHistory.get("history");
        assertThat(history)
                .extracting(h -> h.get("event"))
                .contains("fired", "notified", "escalated", "acknowledged", "resolved");
        assertThat(history)
                .filteredOn(h -> "acknowledged".equals(h.get("event")))
                .extracting(h -> h.get("by"))
                .containsExactly("pat");
    }

    @Test
    void resolvedMessagesGoOnlyToThoseWhoWereTold() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(firing("frontend", "frontend")));
        after(Duration.ofSeconds(30));
        f.engine.accept(List.of(resolved("frontend", "frontend")));
        assertThat(f.sentSince(3))
                .containsExactlyInAnyOrder("slack - resolved", PAT_MAIL + " resolved", PAT_SMS + " resolved");
        List<AlertFixture.Row> rows = f.outbox();
        assertThat(rows.get(3).notification().ackUrl()).isNull();
        assertThat(rows.get(3).notification().alerts().get(0).status()).isEqualTo("resolved");
        after(Duration.ofHours(1));
        assertThat(f.sent()).hasSize(6);
    }

    @Test
    void repeatIntervalRemindsUnacknowledgedAlerts() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(new Signal(
                "webhook",
                "disk-usage",
                Map.of("alertname", "disk-usage", "service", "db"),
                Map.of(),
                Map.of(),
                Signal.State.FIRING,
                Severity.P3,
                clock.instant(),
                null)));
        after(Duration.ofSeconds(30));
        assertThat(f.sent()).containsExactly("slack - firing");
        after(Duration.ofMinutes(59));
        assertThat(f.sent()).hasSize(1);
        after(Duration.ofMinutes(1));
        assertThat(f.sent()).containsExactly("slack - firing", "slack - reminder");
        after(Duration.ofMinutes(30));
        assertThat(f.sent()).hasSize(2);
        after(Duration.ofMinutes(30));
        assertThat(f.sent()).hasSize(3);
        assertThat(f.outbox()).extracting(AlertFixture.Row::key).doesNotHaveDuplicates();
    }

    @Test
    void silenceMutesUntilItEnds() {
        fixture(AlertFixture.ALL);
        Silence s = f.engine.silence(
                Map.of("service", "frontend"),
                Map.of(),
                null,
                clock.instant().plus(Duration.ofHours(1)),
                "ops",
                "deploy");
        assertThat(f.engine.silences(false)).extracting(Silence::id).containsExactly(s.id());
        f.engine.accept(List.of(firing("frontend", "frontend"), firing("supabase-rest", "backend")));
        after(Duration.ofSeconds(30));
        assertThat(f.outbox())
                .allMatch(r -> r.notification().alerts().get(0).name().equals("supabase-rest"))
                .hasSize(3);
        after(Duration.ofMinutes(30));
        assertThat(f.outbox())
                .allMatch(r -> !r.notification().alerts().get(0).name().equals("frontend"));
        after(Duration.ofMinutes(31)); // the silence ended: the next group check announces it
        assertThat(f.outbox())
                .anyMatch(r -> r.notification().alerts().get(0).name().equals("frontend"));

        assertThat(f.engine.expireSilence(s.id())).isTrue();
        assertThat(f.engine.expireSilence("s-nope")).isFalse();
        assertThat(f.engine.silences(false)).isEmpty();
        assertThat(f.engine.silences(true)).hasSize(1);
    }

    @Test
    void aSilenceMadeAfterTheFirstMessageHoldsTheEscalation() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(firing("frontend", "frontend")));
        after(Duration.ofSeconds(30));
        assertThat(f.sent()).hasSize(3);
        f.engine.silence(
                Map.of(),
                Map.of("monitor", "front.*"),
                null,
                clock.instant().plus(Duration.ofMinutes(20)),
                "pat",
                "on it");
        after(Duration.ofMinutes(1));
        after(Duration.ofMinutes(10));
        assertThat(f.sent()).hasSize(3);
        after(Duration.ofMinutes(10)); // the silence has ended: the escalation resumes where it was
        assertThat(f.sentSince(3)).containsExactly(SAM_SMS + " escalation", SAM_MAIL + " escalation");
    }

    @Test
    void maintenanceWindowMutesMatchingAlerts() {
        fixture(AlertFixture.ALL);
        clock.set(Instant.parse("2026-11-24T01:30:00Z"));
        f.engine.accept(List.of(new Signal(
                "webhook",
                "batch-late",
                Map.of("alertname", "batch-late", "service", "batch"),
                Map.of(),
                Map.of(),
                Signal.State.FIRING,
                Severity.P2,
                clock.instant(),
                null)));
        after(Duration.ofMinutes(1));
        assertThat(f.sent()).isEmpty();
        after(Duration.ofMinutes(90)); // 03:01: the window (01:00 for 2h) is over
        assertThat(f.sent()).contains("slack - firing");
    }

    @Test
    void frontendDownInhibitsItsLatencyAlertButNotAnotherServices() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(firing("frontend", "frontend")));
        after(Duration.ofSeconds(30));
        f.engine.accept(List.of(firing("frontend-latency", "frontend"), firing("api-latency", "backend")));
        after(Duration.ofMinutes(6));
        List<String> announced = f.outbox().stream()
                .filter(r -> r.kind().equals("firing"))
                .flatMap(r -> r.notification().alerts().stream())
                .map(v -> v.name())
                .distinct()
                .toList();
        assertThat(announced).containsExactlyInAnyOrder("frontend", "api-latency");
        // once the source is resolved, the target is announced
        f.engine.accept(List.of(resolved("frontend", "frontend")));
        after(Duration.ofMinutes(6));
        assertThat(f.outbox())
                .anyMatch(r -> r.kind().equals("firing")
                        && r.notification().alerts().get(0).name().equals("frontend-latency"));
    }

    @Test
    void disabledChannelsFallBackToTheLogChannel() {
        fixture(ChannelDirectory.LOG_ONLY);
        f.engine.accept(List.of(firing("frontend", "frontend")));
        after(Duration.ofSeconds(30));
        List<AlertFixture.Row> rows = f.outbox();
        assertThat(rows).extracting(AlertFixture.Row::channel).containsOnly("log");
        assertThat(rows).extracting(AlertFixture.Row::recipient).containsExactly(null, "+15145550001");
        assertThat(rows.get(1).notification().recipient().email()).isEqualTo("pat@example.com");
        f.engine.accept(List.of(resolved("frontend", "frontend")));
        assertThat(f.sentSince(2)).containsExactlyInAnyOrder("log - resolved", "log +15145550001 resolved");
    }

    @Test
    void explicitSeverityIsKeptRulesDecideOtherwiseAndUnmatchedIsP3() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(
                new Signal(
                        "alertmanager",
                        "HighLoad",
                        Map.of("alertname", "HighLoad", "monitor", "frontend"),
                        Map.of("summary", "load"),
                        Map.of(),
                        Signal.State.FIRING,
                        Severity.P2,
                        clock.instant(),
                        "abc"),
                new Signal(
                        "webhook",
                        "something",
                        Map.of("alertname", "something"),
                        Map.of(),
                        Map.of(),
                        Signal.State.FIRING,
                        null,
                        clock.instant(),
                        null),
                AlertFixture.probe("tls-domain", "frontend", Signal.State.FIRING, Map.of("days_left", 20.0))));
        Map<String, String> sev = new java.util.HashMap<>();
        f.engine
                .list(null, null, Map.of(), 100)
                .forEach(a -> sev.put((String) a.get("name"), (String) a.get("severity")));
        assertThat(sev).containsEntry("HighLoad", "P2").containsEntry("something", "P3");
        // tls-domain's labels say kind=http in this helper: only a kind=tls signal meets the TLS rules
        f.engine.accept(List.of(new Signal(
                "probe",
                "tls-domain",
                Map.of("alertname", "tls-domain", "kind", "tls", "service", "frontend"),
                Map.of(),
                Map.of("days_left", 20.0),
                Signal.State.FIRING,
                null,
                clock.instant(),
                null)));
        assertThat(f.engine.list(null, null, Map.of("kind", "tls"), 10))
                .extracting(a -> a.get("severity"))
                .containsExactly("P2");
        after(Duration.ofSeconds(30));
        int before = f.sent().size();
        // the certificate gets closer: the same alert becomes P1 and is announced as a P1
        f.engine.accept(List.of(new Signal(
                "probe",
                "tls-domain",
                Map.of("alertname", "tls-domain", "kind", "tls", "service", "frontend"),
                Map.of(),
                Map.of("days_left", 5.0),
                Signal.State.FIRING,
                null,
                clock.instant(),
                null)));
        assertThat(f.engine.list(null, null, Map.of("kind", "tls"), 10))
                .extracting(a -> a.get("severity"))
                .containsExactly("P1");
        after(Duration.ofSeconds(30));
        assertThat(f.sentSince(before)).contains("slack - firing", PAT_SMS + " firing");
    }

    @Test
    void anAlertRaisedFromP2ToP1EscalatesAfreshAsP1() {
        fixture(AlertFixture.ALL);
        Map<String, String> tls = Map.of("alertname", "tls-domain", "kind", "tls", "service", "web");
        f.engine.accept(List.of(new Signal(
                "probe",
                "tls-domain",
                tls,
                Map.of(),
                Map.of("days_left", 20.0),
                Signal.State.FIRING,
                null,
                clock.instant(),
                null)));
        after(Duration.ofSeconds(30));
        after(Duration.ofMinutes(30));
        assertThat(f.sent()).containsExactly("slack - firing", PAT_MAIL + " firing", SAM_MAIL + " escalation");
        f.engine.accept(List.of(new Signal(
                "probe",
                "tls-domain",
                tls,
                Map.of(),
                Map.of("days_left", 5.0),
                Signal.State.FIRING,
                null,
                clock.instant(),
                null)));
        after(Duration.ofSeconds(30));
        after(Duration.ofMinutes(1));
        assertThat(f.sentSince(3))
                .containsExactly(
                        "slack - firing",
                        PAT_SMS + " firing",
                        PAT_MAIL + " firing",
                        SAM_SMS + " escalation",
                        SAM_MAIL + " escalation");
        assertThat(f.outbox().get(7).severity()).isEqualTo("P1");
    }

    @Test
    void p2TextsOnlyInBusinessHours() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(new Signal(
                "webhook",
                "errors",
                Map.of("alertname", "errors", "service", "api"),
                Map.of(),
                Map.of(),
                Signal.State.FIRING,
                Severity.P2,
                clock.instant(),
                null)));
        after(Duration.ofSeconds(30));
        assertThat(f.sent()).containsExactly("slack - firing", PAT_MAIL + " firing");
        clock.set(Instant.parse("2026-11-24T15:00:00Z")); // Tuesday 10:00 in Toronto
        f.engine.accept(List.of(new Signal(
                "webhook",
                "errors",
                Map.of("alertname", "errors", "service", "web"),
                Map.of(),
                Map.of(),
                Signal.State.FIRING,
                Severity.P2,
                clock.instant(),
                null)));
        after(Duration.ofSeconds(30));
        assertThat(f.sentSince(2)).contains("slack - firing", PAT_MAIL + " firing", PAT_SMS + " firing");
    }

    @Test
    void outboxRowsCarryDeterministicKeysAndTheAlert() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(firing("frontend", "frontend")));
        after(Duration.ofSeconds(30));
        after(Duration.ofMinutes(1));
        String id = (String) f.only("firing").get("id");
        String group = Fingerprint.ofText("severity=P1,service=frontend");
        assertThat(f.outbox())
                .extracting(AlertFixture.Row::key)
                .containsExactly(
                        "fire:" + group + ":1:slack:-",
                        "fire:" + group + ":1:sms:primary",
                        "fire:" + group + ":1:email:primary",
                        "esc:" + id + ":P1:1:sms:secondary",
                        "esc:" + id + ":P1:1:email:secondary");
        Notification n = f.outbox().get(1).notification();
        assertThat(n.kind()).isEqualTo(Notification.Kind.FIRING);
        assertThat(n.severity()).isEqualTo("P1");
        assertThat(n.recipient().name()).isEqualTo("Pat Primary");
        assertThat(n.ackUrl()).matches("https://ops\\.example\\.com/a/[0-9A-HJKMNP-TV-Z]{8}");
        assertThat(n.alerts().get(0).runbook()).isEqualTo("docs/alerts.md#site-unreachable");
        assertThat(n.alerts().get(0).labels()).containsEntry("monitor", "frontend");
        AckTokens.Check check = f.engine.tokens().check(tokenOf(n.ackUrl()), clock.instant());
        assertThat(check)
                .isInstanceOfSatisfying(
                        AckTokens.Valid.class, v -> assertThat(v.alertIds()).containsExactly(id));
    }

    /** The signed token a message's short link ({@code /a/<code>}) stands for. */
    String tokenOf(String shortUrl) {
        String token = f.engine.ackToken(shortUrl.substring(shortUrl.lastIndexOf('/') + 1));
        assertThat(token).as("the code of " + shortUrl + " is stored").isNotNull();
        return token;
    }

    @Test
    void aMessageAboutManyAlertsCarriesAShortLinkForTheirGroup() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(
                firing("supabase-a", "backend"),
                firing("supabase-b", "backend"),
                firing("supabase-c", "backend"),
                firing("supabase-d", "backend"),
                firing("frontend", "frontend")));
        after(Duration.ofSeconds(30));
        String url = f.outbox().stream()
                .filter(r -> r.notification().alerts().size() == 4)
                .findFirst()
                .orElseThrow()
                .notification()
                .ackUrl();
        assertThat(url.length()).isLessThan(60);
        // a newcomer to the group, announced later, is not covered by the earlier link
        f.engine.accept(List.of(firing("supabase-e", "backend")));
        after(Duration.ofMinutes(5));
        AckTokens.Valid v = (AckTokens.Valid) f.engine.tokens().check(tokenOf(url), clock.instant());
        List<String> ids = f.engine.ackTargets(v);
        assertThat(ids).hasSize(4);
        f.engine.acknowledge(ids, "pat");
        assertThat(f.engine.list("acknowledged", null, Map.of(), 10))
                .extracting(a -> a.get("name"))
                .containsExactlyInAnyOrder("supabase-a", "supabase-b", "supabase-c", "supabase-d");
        assertThat(f.engine.list("firing", null, Map.of(), 10))
                .extracting(a -> a.get("name"))
                .containsExactlyInAnyOrder("frontend", "supabase-e");
    }

    @Test
    void aRestartKeepsAlertsAndEscalationState() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(firing("frontend", "frontend")));
        after(Duration.ofSeconds(30));
        String id = (String) f.only("firing").get("id");
        f.close();

        f = new AlertFixture(openStore(), clock, AlertFixture.RULES, AlertFixture.ALL);
        assertThat(f.sent()).hasSize(3);
        after(Duration.ofMinutes(1));
        assertThat(f.sentSince(3)).containsExactly(SAM_SMS + " escalation", SAM_MAIL + " escalation");
        f.engine.accept(List.of(firing("frontend", "frontend")));
        assertThat(f.only("firing").get("id")).isEqualTo(id);
        f.engine.acknowledge(List.of(id), "pat");
        f.close();

        f = new AlertFixture(openStore(), clock, AlertFixture.RULES, AlertFixture.ALL);
        int n = f.sent().size();
        after(Duration.ofHours(1));
        assertThat(f.sent()).hasSize(n);
        assertThat(f.only("acknowledged").get("acknowledgedBy")).isEqualTo("pat");
    }

    @Test
    void resolvedSignalsForUnknownAlertsCostNothing() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(resolved("frontend", "frontend"), resolved("supabase-rest", "backend")));
        assertThat(f.engine.list(null, null, Map.of(), 100)).isEmpty();
        assertThat(f.sent()).isEmpty();
    }

    /** The shipped shape: P1 not held back by grouping, P2 and P3 keep the defaults. */
    static final String P1_AT_ONCE = AlertFixture.RULES.replace(
            "  repeatInterval: 1h\n",
            "  repeatInterval: 1h\n  severity:\n    P1: {groupWait: 0s, groupInterval: 0s}\n");

    @Test
    void aSecondP1InAnAnnouncedGroupGoesOutAtOnceAndSaysOnlyWhatIsNew() {
        f = new AlertFixture(openStore(), clock, P1_AT_ONCE, AlertFixture.ALL);
        // no sweep: the message is written in the intake's own transaction
        f.engine.accept(List.of(firing("supabase-rest", "backend")));
        assertThat(f.sent()).containsExactly("slack - firing", PAT_SMS + " firing", PAT_MAIL + " firing");
        clock.advance(Duration.ofSeconds(17));
        f.engine.accept(List.of(firing("supabase-auth", "backend")));
        List<AlertFixture.Row> rows =
                f.outbox().stream().filter(r -> r.kind().equals("firing")).toList();
        assertThat(rows).hasSize(6);
        assertThat(rows.get(5).notification().groupKey()).isEqualTo("severity=P1,service=backend");
        for (AlertFixture.Row r : rows.subList(3, 6))
            assertThat(r.notification().alerts()).extracting(v -> v.name()).containsExactly("supabase-auth");
        // and says which alert is new: the group's first message names none before it, the second names the first
        for (AlertFixture.Row r : rows.subList(0, 3))
            assertThat(r.notification().earlier()).isNull();
        for (AlertFixture.Row r : rows.subList(3, 6))
            assertThat(r.notification().earlier()).containsExactly("supabase-rest");
        // a P2 keeps the default group_wait
        f.engine.accept(List.of(firing("frontend-latency", "frontend")));
        assertThat(f.sent()).hasSize(6);
        after(Duration.ofSeconds(30));
        assertThat(f.sentSince(6)).containsExactly("slack - firing", PAT_MAIL + " firing");
    }

    @Test
    void aRulesForCountsFromTheFirstFailingObservationTheSignalCarries() {
        fixture(AlertFixture.ALL);
        Signal seen = firing("slow", "frontend");
        // the monitor first failed 90 s before the run that confirmed it: 30 s of the rule's 2 m are left
        f.engine.accept(List.of(since(seen, AlertFixture.NIGHT.minusSeconds(90))));
        Map<String, Object> pending = f.only("pending");
        assertThat(pending.get("firesAt")).isEqualTo(AlertFixture.NIGHT.plusSeconds(30));
        after(Duration.ofSeconds(29));
        assertThat(f.only("pending")).isNotNull();
        after(Duration.ofSeconds(1));
        assertThat(f.only("firing")).isNotNull();

        // failing for longer than the rule's for already: firing at once
        Signal other = AlertFixture.probe("slow", "batch", Signal.State.FIRING, Map.of());
        f.engine.accept(List.of(since(other, clock.instant().minus(Duration.ofMinutes(3)))));
        assertThat(f.engine.list("firing", null, Map.of(), 100)).hasSize(2);
    }

    @Test
    void dueGroupsAreFlushedMostSevereFirst() {
        fixture(AlertFixture.ALL);
        f.engine.accept(List.of(firing("frontend-latency", "frontend"))); // P2, due first
        clock.advance(Duration.ofSeconds(10));
        f.engine.accept(List.of(firing("supabase-rest", "backend"))); // P1, due 10 s later
        after(Duration.ofSeconds(40));
        assertThat(f.outbox()).extracting(AlertFixture.Row::severity).containsExactly("P1", "P1", "P1", "P2", "P2");
    }

    private static Signal since(Signal s, Instant since) {
        return new Signal(
                s.source(),
                s.name(),
                s.labels(),
                s.annotations(),
                s.values(),
                s.state(),
                s.severity(),
                s.at(),
                s.externalId(),
                since);
    }
}
