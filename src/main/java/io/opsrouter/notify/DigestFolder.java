package io.opsrouter.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.config.SettingsSource;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.DigestFolding;
import io.opsrouter.outbox.DigestFolding.Backlog;
import io.opsrouter.outbox.DigestFolding.Folded;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storm control: when a channel's due lesser (P2/P3) messages for one recipient are more than the channel sends in
 * a minute, they are folded into one digest ("37 more alerts firing in 5 services", with a link to the alert list)
 * instead of being sent one by one behind a rate limit. P1 messages are never folded. Bound as
 * {@value #BEAN}; {@code routes/notify.yaml} runs {@link #foldDue} every {@code notify.digest.interval}.
 */
public final class DigestFolder {
    public static final String BEAN = "digestFolder";
    private static final Logger LOG = LoggerFactory.getLogger(DigestFolder.class);

    /**
     * Messages a minute each channel can send by its rate limit ({@code notify.<channel>.rate}: Slack and SMS about
     * one a second by default); 0 for a channel that is not limited (never folded).
     */
    public static ToIntFunction<ChannelName> perMinute(DispatchSettings settings) {
        return channel -> (int) Math.ceil(settings.rate(channel).perSecond() * 60);
    }

    private final DigestFolding folding;
    private final ToIntFunction<ChannelName> perMinute;
    private final String link;
    private final Duration interval;
    private final Clock clock;
    private final MeterRegistry meters;

    /**
     * @param perMinute messages a minute a channel can send; 0 or less: unlimited, never folded
     * @param link      where a digest points for the whole list
     */
    public DigestFolder(
            DigestFolding folding,
            ToIntFunction<ChannelName> perMinute,
            String link,
            Duration interval,
            Clock clock,
            MeterRegistry meters) {
        this.folding = folding;
        this.perMinute = perMinute;
        this.link = link;
        this.interval = interval;
        this.clock = clock;
        this.meters = meters;
    }

    /** {@code notify.digest.interval} ({@code NOTIFY_DIGEST_INTERVAL}): how often backlogs are looked at, 5 s. */
    public static Duration interval(SettingsSource s) {
        Duration d = s.duration("notify.digest.interval", "NOTIFY_DIGEST_INTERVAL", Duration.ofSeconds(5));
        if (d.isZero() || d.isNegative() || d.compareTo(Duration.ofMinutes(1)) > 0) {
            throw s.error(
                    "notify.digest.interval",
                    "NOTIFY_DIGEST_INTERVAL",
                    "must be longer than zero and at most 1m",
                    "write e.g. 5s: a backlog is folded at most this long after it outgrows a minute of sending");
        }
        return d;
    }

    /** The interval in milliseconds, for the timer in routes/notify.yaml. */
    public long intervalMillis() {
        return interval.toMillis();
    }

    /** Folds every backlog that outgrew its channel's minute; how many digests were written. */
    public int foldDue() {
        Instant now = clock.instant();
        int digests = 0;
        for (Backlog b : folding.backlogs(now)) {
            int limit = perMinute.applyAsInt(b.channel());
            if (limit <= 0 || b.due() <= limit) continue;
            long left = b.due();
            while (left > 0) {
                Optional<Folded> f = folding.fold(b, now, link);
                if (f.isEmpty()) break;
                Folded folded = f.get();
                int n = folded.digest().messages();
                left -= n;
                digests++;
                DeliveryMeters.folded(meters, b.channel(), n);
                LOG.info(
                        "{}: folded {} P2/P3 messages {} into one digest {} ({}; more than the {} a minute it sends)",
                        b.channel(),
                        n,
                        folded.recipientName() == null ? "for the room" : "for " + folded.recipientName(),
                        folded.key(),
                        folded.digest().text(),
                        limit);
                if (n < DigestFolding.MAX_PER_DIGEST) break;
            }
        }
        return digests;
    }
}
