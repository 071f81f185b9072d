package io.opsrouter.outbox;

import java.time.Instant;

/** One claimed outbox row. */
public record OutboxRow(
        long id, String idempotencyKey, String channel, String payload, int attempts, Instant createdAt) {}
