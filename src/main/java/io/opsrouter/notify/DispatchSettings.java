package io.opsrouter.notify;

import io.opsrouter.config.SettingsSource;
import io.opsrouter.outbox.ChannelName;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * How the dispatcher delivers the outbox: how often it looks, how much it sends at once and how fast, how it backs
 * off, when it gives up.
 *
 * @param pollInterval    how often each channel looks for due notifications when not woken by an enqueue or a reply
 * @param claimSize       the most rows one claim takes
 * @param lease           how long a claim holds rows; renewed every third of it while their sends are in progress,
 *                        so only a crashed claimer's rows are due again after it
 * @param sendTimeout     the longest one send may take
 * @param retryInitial    first backoff
 * @param retryMax        longest backoff
 * @param maxAttempts     retry budget per notification, spent only by the message's own failures
 * @param breakerFailures failed sends in a row that open a channel's circuit (and make it failing)
 * @param breakerOpenFor  how long an open circuit waits before one trial send
 * @param inFlight        requests one channel has in flight at once (each group's messages still one at a time)
 * @param smsInFlight     the same for SMS, at most {@code inFlight}
 * @param rates           each channel's rate limit
 * @param retention       how long delivered and dead notifications stay in the outbox; zero keeps them forever
 */
public record DispatchSettings(
        Duration pollInterval,
        int claimSize,
        Duration lease,
        Duration sendTimeout,
        Duration retryInitial,
        Duration retryMax,
        int maxAttempts,
        int breakerFailures,
        Duration breakerOpenFor,
        int inFlight,
        int smsInFlight,
        Map<ChannelName, Rate> rates,
        Duration retention) {
    public static final int MAX_IN_FLIGHT = 4096;
    /**
     * A channel claims at once while this window has room, and waits for a claim's worth of room once it is nearly
     * full. With 256, a receiver answering in 200 ms got 835 messages/s (Alertmanager 2,240) and one answering in
     * 40 ms kept a backlog (p50 0.16-0.27 s); with 1024, 1,872/s and p50 0.03-0.05 s: delivery keeps up with the
     * intake (bench/delivery; peak RSS +4-10 MB at 40 ms, +38 MB at 200 ms). A crash repeats at most the window.
     */
    static final int DEFAULT_IN_FLIGHT = 1024;

    /**
     * A token bucket: {@code perSecond} messages a second on average, {@code burst} at once after a quiet spell.
     * Zero per second: no limit.
     */
    public record Rate(double perSecond, int burst) {
        public static final Rate UNLIMITED = new Rate(0, 1);

        public boolean limited() {
            return perSecond > 0;
        }
    }

    /**
     * Slack takes about one message a second per webhook (429 beyond); Twilio sends about one segment a second per
     * long code. E-mail, webhooks and the log file are not limited unless set.
     */
    static Rate defaultRate(ChannelName channel) {
        return switch (channel) {
            case SLACK -> new Rate(1, 3);
            case SMS -> new Rate(1, 5);
            default -> Rate.UNLIMITED;
        };
    }

    public DispatchSettings {
        rates = Map.copyOf(rates);
    }

    public static DispatchSettings from(SettingsSource s) {
        Duration poll = s.duration("notify.poll-interval", "NOTIFY_POLL_INTERVAL", Duration.ofMillis(200));
        Duration retention = s.duration("notify.retention", "NOTIFY_RETENTION", Duration.ofDays(30));
        if (!retention.isZero() && retention.compareTo(Duration.ofHours(1)) < 0) {
            throw s.error(
                    "notify.retention",
                    "NOTIFY_RETENTION",
                    "is shorter than one hour",
                    "keep delivered notifications at least 1h (e.g. 30d), or write 0s to keep them forever");
        }
        int claim = s.integer("notify.batch-size", "NOTIFY_BATCH_SIZE", 100, 1, 1000);
        Duration timeout = s.duration("notify.send-timeout", "NOTIFY_SEND_TIMEOUT", Duration.ofSeconds(10));
        Duration lease = s.duration("notify.lease", "NOTIFY_LEASE", Duration.ofSeconds(60));
        Duration initial = s.duration("notify.retry.initial", "NOTIFY_RETRY_INITIAL", Duration.ofSeconds(1));
        Duration max = s.duration("notify.retry.max", "NOTIFY_RETRY_MAX", Duration.ofMinutes(5));
        int attempts = s.integer("notify.retry.attempts", "NOTIFY_RETRY_ATTEMPTS", 12, 1, 1000);
        int failures = s.integer("notify.breaker.failures", "NOTIFY_BREAKER_FAILURES", 5, 1, 1000);
        Duration openFor = s.duration("notify.breaker.open-for", "NOTIFY_BREAKER_OPEN_FOR", Duration.ofSeconds(30));
        int inFlight = s.integer("notify.in-flight", "NOTIFY_IN_FLIGHT", DEFAULT_IN_FLIGHT, 1, MAX_IN_FLIGHT);
        int sms = s.integer("notify.sms.in-flight", "NOTIFY_SMS_IN_FLIGHT", 1, 1, MAX_IN_FLIGHT);
        positive(s, "notify.poll-interval", "NOTIFY_POLL_INTERVAL", poll);
        positive(s, "notify.send-timeout", "NOTIFY_SEND_TIMEOUT", timeout);
        positive(s, "notify.retry.initial", "NOTIFY_RETRY_INITIAL", initial);
        positive(s, "notify.breaker.open-for", "NOTIFY_BREAKER_OPEN_FOR", openFor);
        if (max.compareTo(initial) < 0) {
            throw s.error(
                    "notify.retry.max",
                    "NOTIFY_RETRY_MAX",
                    "is shorter than notify.retry.initial (" + initial + ")",
                    "make the longest backoff at least the first one");
        }
        if (lease.compareTo(timeout.multipliedBy(3)) < 0) {
            throw s.error(
                    "notify.lease",
                    "NOTIFY_LEASE",
                    "is shorter than three send timeouts (" + timeout.multipliedBy(3) + ")",
                    "make the lease longer than 3 x notify.send-timeout, or a claimed row could be sent twice");
        }
        Map<ChannelName, Rate> rates = new EnumMap<>(ChannelName.class);
        for (ChannelName c : ChannelName.values()) rates.put(c, rate(s, c));
        return new DispatchSettings(
                poll,
                claim,
                lease,
                timeout,
                initial,
                max,
                attempts,
                failures,
                openFor,
                inFlight,
                Math.min(sms, inFlight),
                rates,
                retention);
    }

    /** {@code notify.<channel>.rate} (messages a second, 0 for none) and {@code notify.<channel>.burst}. */
    private static Rate rate(SettingsSource s, ChannelName c) {
        Rate d = defaultRate(c);
        String key = "notify." + c.id() + ".rate";
        String env = "NOTIFY_" + c.id().toUpperCase(java.util.Locale.ROOT) + "_RATE";
        double perSecond = d.perSecond();
        var raw = s.raw(key, env);
        if (raw.isPresent()) {
            try {
                perSecond = Double.parseDouble(raw.get().trim());
            } catch (NumberFormatException e) {
                perSecond = -1;
            }
            if (!(perSecond >= 0 && perSecond <= 10_000)) {
                throw s.error(
                        key,
                        env,
                        "'" + raw.get() + "' is not a number of messages per second from 0 to 10000",
                        "write e.g. 1 or 0.5 (messages per second), or 0 for no limit");
            }
        }
        int burst = s.integer(
                "notify." + c.id() + ".burst",
                "NOTIFY_" + c.id().toUpperCase(java.util.Locale.ROOT) + "_BURST",
                d.burst(),
                1,
                10_000);
        return new Rate(perSecond, burst);
    }

    private static void positive(SettingsSource s, String key, String env, Duration d) {
        if (d.isZero() || d.isNegative())
            throw s.error(key, env, "must be longer than zero", "write e.g. 200ms, 10s or 5m");
    }

    /**
     * How many requests the channel has in flight at once. The log channel appends to one file a line at a time
     * (a second request would only wait for the first).
     */
    public int inFlight(ChannelName channel) {
        return switch (channel) {
            case SMS -> smsInFlight;
            case LOG -> 1;
            default -> inFlight;
        };
    }

    public Rate rate(ChannelName channel) {
        return rates.getOrDefault(channel, Rate.UNLIMITED);
    }
}
