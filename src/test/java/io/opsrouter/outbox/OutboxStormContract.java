package io.opsrouter.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.store.StateStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox's storm control and dead letters, the same on H2 and PostgreSQL: folding lesser backlogs into a digest
 * (never a P1, never a row in flight or not yet due) and listing, counting and retrying dead rows.
 */
abstract class OutboxStormContract {
    static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
    static final Recipient ANN = new Recipient("Ann", "+15145550123", null);
    static final Recipient BOB = new Recipient("Bob", "+15145550199", null);
    static final String LINK = "https://router.example.com/api/alerts?status=firing";

    StateStore store;
    DigestFolding folding;
    DeadLetters dead;

    abstract StateStore openStore();

    /** Folders running at once: one on the embedded store (one process, one timer), two replicas on PostgreSQL. */
    int folders() {
        return 1;
    }

    @BeforeEach
    void open() {
        store = openStore();
        folding = new DigestFolding(store);
        dead = new DeadLetters(store);
    }

    @AfterEach
    void close() {
        if (store != null) store.close();
    }

    static Notification note(
            String key, ChannelName ch, Recipient r, String severity, Notification.Kind kind, String service) {
        AlertView a = new AlertView(
                "a-" + key,
                "fp-" + key,
                kind == Notification.Kind.RESOLVED ? "resolved" : "firing",
                severity,
                "QueueSlow",
                "queue slow: " + key,
                null,
                Map.of("alertname", "QueueSlow", "service", service),
                Map.of(),
                Map.of(),
                NOW.minusSeconds(60),
                NOW.minusSeconds(1));
        return new Notification(key, ch, r, kind, severity, "service=" + service, List.of(a), null);
    }

    void enqueue(Instant at, Notification... ns) {
        store.inTransaction(c -> Outbox.enqueueAll(c, List.of(ns), at));
    }

    /** {@code n} P3 firing messages to {@code r} on {@code ch}, across {@code services} services. */
    void storm(String prefix, ChannelName ch, Recipient r, int n, int services) {
        List<Notification> ns = new ArrayList<>();
        for (int i = 0; i < n; i++)
            ns.add(note(prefix + i, ch, r, "P3", Notification.Kind.FIRING, "svc" + (i % services)));
        store.inTransaction(c -> Outbox.enqueueAll(c, ns, NOW.minusSeconds(5)));
    }

    /** A row as the dispatcher leaves it after a failure of the message itself used up its budget. */
    void markDead(long id, int attempts, Instant at, String error) {
        update(
                "UPDATE outbox SET status = 'dead', attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
                attempts,
                io.opsrouter.store.Sql.ts(at),
                error,
                id);
    }

    void markSent(long id, Instant at) {
        update(
                "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ? WHERE id = ?",
                io.opsrouter.store.Sql.ts(at),
                id);
    }

    private void update(String sql, Object... args) {
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
                return ps.executeUpdate();
            }
        });
    }

    long count(String where) {
        return store.read(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM outbox WHERE " + where)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    long id(String key) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM outbox WHERE idempotency_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    Notification payload(String key) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT payload FROM outbox WHERE idempotency_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return io.opsrouter.app.Json.MAPPER.readValue(rs.getString(1), Notification.class);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    DigestFolding.Backlog backlog(ChannelName ch, String address) {
        return folding.backlogs(NOW).stream()
                .filter(b -> b.channel() == ch && java.util.Objects.equals(b.address(), address))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aBacklogIsCountedPerChannelAndRecipientWithoutP1sAndFoldedIntoOneDigest() {
        storm("ann-", ChannelName.SMS, ANN, 90, 5);
        storm("bob-", ChannelName.SMS, BOB, 3, 1);
        enqueue(NOW.minusSeconds(4), note("ann-p1", ChannelName.SMS, ANN, "P1", Notification.Kind.FIRING, "web"));
        enqueue(
                NOW.minusSeconds(4),
                note("ann-p2-resolved", ChannelName.SMS, ANN, "P2", Notification.Kind.RESOLVED, "db"));
        storm("room-", ChannelName.SLACK, null, 7, 2);

        assertThat(folding.backlogs(NOW))
                .extracting(b -> b.channel() + "/" + b.address() + "=" + b.due())
                .containsExactlyInAnyOrder("sms/+15145550123=91", "sms/+15145550199=3", "slack/null=7");

        Optional<DigestFolding.Folded> f = folding.fold(backlog(ChannelName.SMS, ANN.phone()), NOW, LINK);

        assertThat(f).isPresent();
        Digest d = f.get().digest();
        assertThat(d.messages()).isEqualTo(91);
        assertThat(d.firing()).isEqualTo(90);
        assertThat(d.resolved()).isEqualTo(1);
        assertThat(d.serviceCount()).isEqualTo(6);
        assertThat(d.services()).containsExactly("db", "svc0", "svc1", "svc2", "svc3", "svc4");
        assertThat(d.text()).isEqualTo("90 more alerts firing in 6 services; 1 resolved");
        assertThat(f.get().recipientName()).isEqualTo("Ann");
        assertThat(f.get().severity()).as("the most severe folded").isEqualTo("P2");

        assertThat(count("status = 'folded'")).isEqualTo(91);
        assertThat(count("status = 'folded' AND folded_into = '" + f.get().key() + "'"))
                .isEqualTo(91);
        assertThat(count("idempotency_key = 'ann-p1' AND status = 'pending'"))
                .as("a P1 is never folded")
                .isEqualTo(1);
        assertThat(count("recipient = '" + BOB.phone() + "' AND status = 'pending'"))
                .isEqualTo(3);
        assertThat(count("channel = 'slack' AND status = 'pending'")).isEqualTo(7);

        Notification digest = payload(f.get().key());
        assertThat(digest.kind()).isEqualTo(Notification.Kind.DIGEST);
        assertThat(digest.channel()).isEqualTo(ChannelName.SMS);
        assertThat(digest.recipient()).isEqualTo(ANN);
        assertThat(digest.digest()).isEqualTo(d);
        assertThat(digest.digest().link()).isEqualTo(LINK);
        assertThat(digest.alerts()).hasSize(DigestFolding.ALERTS_SHOWN);
        assertThat(count("idempotency_key = '" + f.get().key() + "' AND status = 'pending' AND kind = 'digest'"
                        + " AND severity = 'P2' AND recipient = '" + ANN.phone() + "'"))
                .as("the digest is an outbox row like the others, due now")
                .isEqualTo(1);

        assertThat(folding.backlogs(NOW))
                .as("the digest itself is never folded again")
                .extracting(b -> b.channel() + "/" + b.address())
                .doesNotContain("sms/+15145550123");
    }

    @Test
    void rowsInFlightOrNotYetDueAreNotFolded() {
        storm("x-", ChannelName.SLACK, null, 20, 2);
        enqueue(NOW.plusSeconds(30), note("later", ChannelName.SLACK, null, "P3", Notification.Kind.FIRING, "a"));
        List<OutboxRow> claimed = new OutboxQueue(store).claim(ChannelName.SLACK, null, 5, NOW, Duration.ofSeconds(60));
        assertThat(claimed).hasSize(5);

        DigestFolding.Folded f =
                folding.fold(backlog(ChannelName.SLACK, null), NOW, LINK).orElseThrow();

        assertThat(f.digest().messages()).isEqualTo(15);
        assertThat(count("status = 'sending'")).isEqualTo(5);
        assertThat(count("idempotency_key = 'later' AND status = 'pending'")).isEqualTo(1);
        assertThat(f.recipientName()).isNull();
        assertThat(payload(f.key()).recipient()).isNull();
        assertThat(folding.fold(new DigestFolding.Backlog(ChannelName.SLACK, null, 0), NOW, LINK))
                .as("nothing left to fold")
                .isEmpty();
    }

    @Test
    void aBacklogLargerThanOneDigestIsFoldedInSeveral() {
        storm("big-", ChannelName.SLACK, null, DigestFolding.MAX_PER_DIGEST + 10, 3);
        DigestFolding.Backlog b = backlog(ChannelName.SLACK, null);
        DigestFolding.Folded first = folding.fold(b, NOW, LINK).orElseThrow();
        DigestFolding.Folded second = folding.fold(b, NOW, LINK).orElseThrow();
        assertThat(first.digest().messages()).isEqualTo(DigestFolding.MAX_PER_DIGEST);
        assertThat(second.digest().messages()).isEqualTo(10);
        assertThat(first.key()).isNotEqualTo(second.key());
        assertThat(count("status = 'folded'")).isEqualTo(DigestFolding.MAX_PER_DIGEST + 10);
    }

    @Test
    void aFolderAndAClaimerAtOnceNeverTakeARowTwice() throws Exception {
        storm("race-", ChannelName.SLACK, null, 600, 4);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        ConcurrentLinkedQueue<DigestFolding.Folded> digests = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<OutboxRow> claimed = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int i = 0; i < folders(); i++) {
                jobs.add(pool.submit(() -> {
                    go.await();
                    folding.fold(new DigestFolding.Backlog(ChannelName.SLACK, null, 600), NOW, LINK)
                            .ifPresent(digests::add);
                    return null;
                }));
            }
            jobs.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 10; i++)
                    claimed.addAll(
                            new OutboxQueue(store).claim(ChannelName.SLACK, null, 20, NOW, Duration.ofSeconds(60)));
                return null;
            }));
            go.countDown();
            for (Future<?> j : jobs) j.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        long folded = digests.stream().mapToLong(d -> d.digest().messages()).sum();
        List<String> claimedKeys = claimed.stream()
                .map(OutboxRow::idempotencyKey)
                .filter(k -> k.startsWith("race-"))
                .toList();
        assertThat(claimedKeys).doesNotHaveDuplicates();
        assertThat(count("status = 'folded'")).isEqualTo(folded);
        assertThat(count("status = 'sending' AND idempotency_key LIKE 'race-%'"))
                .isEqualTo(claimedKeys.size());
        assertThat(folded + claimedKeys.size() + count("status = 'pending' AND idempotency_key LIKE 'race-%'"))
                .as("every row once: folded, claimed or still pending")
                .isEqualTo(600);
        for (DigestFolding.Folded d : digests)
            assertThat(count("folded_into = '" + d.key() + "'"))
                    .isEqualTo(d.digest().messages());
    }

    @Test
    void deadRowsAreListedByNameCountedAndRetriedByHand() {
        enqueue(NOW.minusSeconds(60), note("d1", ChannelName.SMS, ANN, "P2", Notification.Kind.FIRING, "web"));
        enqueue(NOW.minusSeconds(50), note("d2", ChannelName.SLACK, null, "P1", Notification.Kind.FIRING, "db"));
        enqueue(NOW.minusSeconds(40), note("d3", ChannelName.SMS, BOB, "P3", Notification.Kind.FIRING, "web"));
        enqueue(NOW.minusSeconds(30), note("ok", ChannelName.SMS, ANN, "P2", Notification.Kind.FIRING, "web"));
        markDead(id("d1"), 12, NOW.minusSeconds(10), "twilio 400: The 'To' number +15145550123 is not valid");
        markDead(id("d2"), 12, NOW.minusSeconds(10), "slack 404: channel_not_found");
        markDead(id("d3"), 3, NOW.minusSeconds(10), "twilio 21211: 15145550199 unreachable");
        markSent(id("ok"), NOW.minusSeconds(20));

        assertThat(dead.count()).isEqualTo(3);
        assertThat(dead.countByChannel())
                .containsExactlyInAnyOrderEntriesOf(Map.of(ChannelName.SMS, 2L, ChannelName.SLACK, 1L));

        List<DeadLetters.Entry> all = dead.list("dead", null, null, 100);
        assertThat(all).extracting(DeadLetters.Entry::id).containsExactly(id("d3"), id("d2"), id("d1"));
        DeadLetters.Entry d1 = all.get(2);
        assertThat(d1.recipient()).isEqualTo("Ann");
        assertThat(d1.channel()).isEqualTo("sms");
        assertThat(d1.kind()).isEqualTo("firing");
        assertThat(d1.severity()).isEqualTo("P2");
        assertThat(d1.attempts()).isEqualTo(12);
        assertThat(d1.summary()).isEqualTo("queue slow: d1");
        assertThat(d1.lastError())
                .as("the phone is never shown")
                .isEqualTo("twilio 400: The 'To' number <recipient> is not valid");
        assertThat(all.get(0).lastError()).isEqualTo("twilio 21211: <recipient> unreachable");
        assertThat(all.toString()).doesNotContain("5550123", "5550199");

        List<DeadLetters.Entry> page1 = dead.list("dead", null, null, 2);
        List<DeadLetters.Entry> page2 = dead.list("dead", null, page1.get(1).id(), 2);
        assertThat(page1).extracting(DeadLetters.Entry::id).containsExactly(id("d3"), id("d2"));
        assertThat(page2).extracting(DeadLetters.Entry::id).containsExactly(id("d1"));
        assertThat(dead.list("dead", ChannelName.SLACK, null, 100))
                .extracting(DeadLetters.Entry::id)
                .containsExactly(id("d2"));

        DeadLetters.Retry r = dead.retry(id("d1"), NOW);
        assertThat(r.outcome()).isEqualTo(DeadLetters.Outcome.RETRIED);
        assertThat(r.entry().status()).isEqualTo("pending");
        assertThat(r.entry().attempts()).isZero();
        assertThat(r.entry().nextAttemptAt()).isEqualTo(NOW);
        assertThat(r.entry().lastError())
                .as("the last error is kept until it is sent")
                .contains("is not valid");
        assertThat(dead.countByChannel()).containsEntry(ChannelName.SMS, 1L);
        List<OutboxRow> claimed = new OutboxQueue(store).claim(ChannelName.SMS, null, 10, NOW, Duration.ofSeconds(60));
        assertThat(claimed).extracting(OutboxRow::idempotencyKey).containsExactly("d1");
        assertThat(claimed.get(0).attempts()).isZero();

        assertThat(dead.retry(id("d1"), NOW).outcome()).isEqualTo(DeadLetters.Outcome.NOT_DEAD);
        DeadLetters.Retry sent = dead.retry(id("ok"), NOW);
        assertThat(sent.outcome()).isEqualTo(DeadLetters.Outcome.NOT_DEAD);
        assertThat(sent.entry().status()).isEqualTo("sent");
        assertThat(dead.retry(987654321L, NOW).outcome()).isEqualTo(DeadLetters.Outcome.UNKNOWN);
        assertThat(count("idempotency_key = 'ok' AND status = 'sent'")).isEqualTo(1);
    }

    @Test
    void foldedRowsAreListedWithTheirDigest() {
        storm("f-", ChannelName.SLACK, null, 5, 1);
        DigestFolding.Folded f =
                folding.fold(backlog(ChannelName.SLACK, null), NOW, LINK).orElseThrow();
        List<DeadLetters.Entry> folded = dead.list("folded", null, null, 100);
        assertThat(folded).hasSize(5).allMatch(e -> f.key().equals(e.foldedInto()));
        DeadLetters.Entry digest =
                dead.list("pending", ChannelName.SLACK, null, 1).get(0);
        assertThat(digest.kind()).isEqualTo("digest");
        assertThat(digest.summary()).isEqualTo("5 more alerts firing in 1 service");
    }
}
