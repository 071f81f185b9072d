package io.opsrouter.notify;

import io.opsrouter.config.SettingsSource;
import io.opsrouter.outbox.ChannelName;
import java.time.Duration;

/**
 * How the dispatcher delivers the outbox: how often it looks, how it backs off, when it gives up.
 *
 * @param pollInterval    how often each channel looks for due notifications when not woken by an enqueue
 * @param batchSize       rows one channel claims at a time
 * @param lease           how long a claim holds rows; a crashed claimer's rows are due again after it
 * @param sendTimeout     the longest one send may take
 * @param retryInitial    first backoff
 * @param retryMax        longest backoff
 * @param maxAttempts     retry budget per notification, after which it is dead
 * @param breakerFailures failed sends in a row that open a channel's circuit
 * @param breakerOpenFor  how long an open circuit waits before one trial send
 * @param concurrency     lanes per channel: messages of different groups sent at once
 * @param smsConcurrency  lanes for SMS, at most {@code concurrency}
 * @param retention       how long delivered and dead notifications stay in the outbox; zero keeps them forever
 */
public record DispatchSettings(
        Duration pollInterval,
        int batchSize,
        Duration lease,
        Duration sendTimeout,
        Duration retryInitial,
        Duration retryMax,
        int maxAttempts,
        int breakerFailures,
        Duration breakerOpenFor,
        int concurrency,
        int smsConcurrency,
        Duration retention) {
    public static final int MAX_CONCURRENCY = 64;

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
        int batch = s.integer("notify.batch-size", "NOTIFY_BATCH_SIZE", 50, 1, 1000);
        Duration timeout = s.duration("notify.send-timeout", "NOTIFY_SEND_TIMEOUT", Duration.ofSeconds(10));
        Duration lease = s.duration("notify.lease", "NOTIFY_LEASE", Duration.ofSeconds(60));
        Duration initial = s.duration("notify.retry.initial", "NOTIFY_RETRY_INITIAL", Duration.ofSeconds(1));
        Duration max = s.duration("notify.retry.max", "NOTIFY_RETRY_MAX", Duration.ofMinutes(5));
        int attempts = s.integer("notify.retry.attempts", "NOTIFY_RETRY_ATTEMPTS", 12, 1, 1000);
        int failures = s.integer("notify.breaker.failures", "NOTIFY_BREAKER_FAILURES", 5, 1, 1000);
        Duration openFor = s.duration("notify.breaker.open-for", "NOTIFY_BREAKER_OPEN_FOR", Duration.ofSeconds(30));
        int concurrency = s.integer("notify.concurrency", "NOTIFY_CONCURRENCY", 8, 1, MAX_CONCURRENCY);
        int sms = s.integer("notify.sms.concurrency", "NOTIFY_SMS_CONCURRENCY", 2, 1, MAX_CONCURRENCY);
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
        return new DispatchSettings(
                poll,
                batch,
                lease,
                timeout,
                initial,
                max,
                attempts,
                failures,
                openFor,
                concurrency,
                Math.min(sms, concurrency),
                retention);
    }

    private static void positive(SettingsSource s, String key, String env, Duration d) {
        if (d.isZero() || d.isNegative())
            throw s.error(key, env, "must be longer than zero", "write e.g. 200ms, 10s or 5m");
    }

    /**
     * How many messages the channel sends at once. The log channel appends to one file a line at a time:
     * lanes would only shuffle its lines.
     */
    public int lanes(ChannelName channel) {
        return switch (channel) {
            case SMS -> smsConcurrency;
            case LOG -> 1;
            default -> concurrency;
        };
    }
}
