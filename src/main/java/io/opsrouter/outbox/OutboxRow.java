package io.opsrouter.outbox;

import java.time.Instant;

/**
 * One claimed outbox row.
 *
 * @param claimToken the fencing token of the claim that holds it: only a write naming it changes the row
 */
public record OutboxRow(
        long id,
        String idempotencyKey,
        String channel,
        String severity,
        String payload,
        int attempts,
        Instant createdAt,
        String claimToken) {}
