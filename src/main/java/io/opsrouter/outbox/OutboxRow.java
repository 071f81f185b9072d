package io.opsrouter.outbox;

import java.time.Instant;

/**
 * One claimed outbox row.
 *
 * @param claimToken the fencing token of the claim that holds it: only a write naming it changes the row
 * @param reclaimed  it was claimed before and that claim's lease ran out (its claimer died or lost it): a send of it
 *     may have reached the receiver already
 */
public record OutboxRow(
        long id,
        String idempotencyKey,
        String channel,
        String severity,
        String payload,
        int attempts,
        Instant createdAt,
        String claimToken,
        boolean reclaimed) {

    public OutboxRow(
            long id,
            String idempotencyKey,
            String channel,
            String severity,
            String payload,
            int attempts,
            Instant createdAt,
            String claimToken) {
        this(id, idempotencyKey, channel, severity, payload, attempts, createdAt, claimToken, false);
    }
}
