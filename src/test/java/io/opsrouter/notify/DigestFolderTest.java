package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opsrouter.config.Env;
import io.opsrouter.config.SettingsException;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.metrics.MeterNames;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.DigestFolding;
import io.opsrouter.outbox.Recipient;
import io.opsrouter.store.StateStore;
import io.opsrouter.testing.OutboxRows;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a backlog is folded: above what the channel sends in a minute, P2/P3 only, limited channels only. */
class DigestFolderTest {
    /** What {@link DigestFolder#perMinute} gives with the shipped rate limits (Slack and SMS one a second). */
    static final java.util.function.ToIntFunction<ChannelName> SHIPPED_PER_MINUTE = channel -> switch (channel) {
        case SLACK, SMS -> 60;
        default -> 0;
    };

    static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
    static final Recipient ANN = new Recipient("Ann", "+15145550123", null);

    @TempDir
    Path dir;

    StateStore store;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    DigestFolder folder;

    @BeforeEach
    void open() {
        store = StateStore.open("jdbc:h2:file:" + dir.resolve("router"), null, null, 4, dir);
        folder = new DigestFolder(
                new DigestFolding(store),
                SHIPPED_PER_MINUTE,
                "http://localhost:8080/api/alerts?status=firing",
                Duration.ofSeconds(5),
                Clock.fixed(NOW, ZoneOffset.UTC),
                meters);
    }

    @AfterEach
    void close() {
        store.close();
    }

    void queue(String prefix, ChannelName ch, Recipient r, String severity, int n) {
        java.util.List<io.opsrouter.outbox.Notification> ns = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) ns.add(OutboxRows.firing(prefix + i, ch, r, severity, "svc" + (i % 3)));
        OutboxRows.insertAll(store, ns, NOW.minusSeconds(10));
    }

    double folded(ChannelName ch) {
        var c = meters.find(MeterNames.NOTIFICATIONS_FOLDED)
                .tag("channel", ch.id())
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aBacklogAboveAMinuteOfSendingIsFoldedAndItsP1sAreNot() {
        queue("p3-", ChannelName.SMS, ANN, "P3", 61);
        queue("p1-", ChannelName.SMS, ANN, "P1", 5);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(DigestFolder.class);
        lines.start();
        logger.addAppender(lines);
        try {
            assertThat(folder.foldDue()).isEqualTo(1);
        } finally {
            logger.detachAppender(lines);
        }
        assertThat(lines.list)
                .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .singleElement()
                .satisfies(l -> assertThat(l)
                        .startsWith("sms: folded 61 P2/P3 messages for Ann into one digest digest:sms:")
                        .contains("(61 more alerts firing in 3 services; more than the 60 a minute it sends)")
                        .doesNotContain("5550123"));

        assertThat(OutboxRows.count(store, "status = 'folded'")).isEqualTo(61);
        assertThat(OutboxRows.count(store, "severity = 'P1' AND status = 'pending'"))
                .isEqualTo(5);
        assertThat(OutboxRows.count(store, "kind = 'digest' AND status = 'pending'"))
                .isEqualTo(1);
        assertThat(folded(ChannelName.SMS)).isEqualTo(61);
        assertThat(folder.foldDue()).as("nothing left above the threshold").isZero();
    }

    @Test
    void aBacklogOfAMinuteOrLessIsSentAsItIs() {
        queue("p3-", ChannelName.SMS, ANN, "P3", 60);
        queue("room-", ChannelName.SLACK, null, "P2", 60);

        assertThat(folder.foldDue()).isZero();
        assertThat(OutboxRows.count(store, "status = 'pending'")).isEqualTo(120);
        assertThat(folded(ChannelName.SMS)).isZero();
    }

    @Test
    void aP1StormIsNeverFoldedNorAnUnlimitedChannel() {
        queue("p1-", ChannelName.SMS, ANN, "P1", 200);
        queue("hook-", ChannelName.WEBHOOK, null, "P3", 200);

        assertThat(folder.foldDue()).isZero();
        assertThat(OutboxRows.count(store, "status = 'folded'")).isZero();
    }

    @Test
    void aBacklogLargerThanOneDigestIsFoldedWhole() {
        queue("big-", ChannelName.SLACK, null, "P3", DigestFolding.MAX_PER_DIGEST + 1);
        assertThat(folder.foldDue()).isEqualTo(2);
        assertThat(OutboxRows.count(store, "status = 'pending' AND kind <> 'digest'"))
                .isZero();
        assertThat(folded(ChannelName.SLACK)).isEqualTo(DigestFolding.MAX_PER_DIGEST + 1);
    }

    @Test
    void foldedRowsArePurgedAfterTheRetentionLikeSentOnes() {
        queue("p3-", ChannelName.SMS, ANN, "P3", 61);
        assertThat(folder.foldDue()).isEqualTo(1);
        OutboxRetention retention = new OutboxRetention(
                store, Duration.ofDays(30), Clock.fixed(NOW.plus(Duration.ofDays(31)), ZoneOffset.UTC), meters);
        assertThat(retention.purge()).isEqualTo(61);
        assertThat(OutboxRows.count(store, "1 = 1"))
                .as("the digest, not delivered yet, stays")
                .isEqualTo(1);
    }

    @Test
    void theIntervalIsCheckedAtLoad() {
        assertThat(DigestFolder.interval(settings(Map.of()))).isEqualTo(Duration.ofSeconds(5));
        assertThat(DigestFolder.interval(settings(Map.of("NOTIFY_DIGEST_INTERVAL", "500ms"))))
                .isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> DigestFolder.interval(settings(Map.of("NOTIFY_DIGEST_INTERVAL", "0s"))))
                .isInstanceOf(SettingsException.class)
                .hasMessage("environment: NOTIFY_DIGEST_INTERVAL: must be longer than zero and at most 1m (fix: write"
                        + " e.g. 5s: a backlog is folded at most this long after it outgrows a minute of sending)");
        assertThatThrownBy(() -> DigestFolder.interval(settings(Map.of("NOTIFY_DIGEST_INTERVAL", "2m"))))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("NOTIFY_DIGEST_INTERVAL: must be longer than zero and at most 1m");
        assertThatThrownBy(() -> DigestFolder.interval(settings(Map.of("NOTIFY_DIGEST_INTERVAL", "often"))))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("NOTIFY_DIGEST_INTERVAL")
                .hasMessageContaining("write a duration such as 30s, 5m or 1h");
    }

    SettingsSource settings(Map<String, String> env) {
        return new SettingsSource(dir, Map.of(), Map.of(), new Env(env));
    }
}
