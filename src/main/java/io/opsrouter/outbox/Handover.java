package io.opsrouter.outbox;

import java.time.Duration;
import java.util.List;

/**
 * Delivery in this process taking the rows a transaction writes straight from that transaction, instead of finding
 * them with a claim after it committed (a claim transaction per batch of rows, each row written twice more). A row
 * taken is written already claimed: status sending under the batch's claim token, due again when its lease ends, like
 * a claimed row. Delivery holds it from the moment it is written, so no later message of its lane overtakes it; it is
 * sent once the transaction is durable, and forgotten if the transaction rolls back. A row not taken (the channel has
 * a backlog, no room in flight, no token, is waiting, or an earlier message of its lane waits) is written pending and
 * claimed in order, most severe first, as before.
 */
public interface Handover {
    /** The lease a taken row is written with. */
    Duration lease();

    /** The replica a taken row is written as claimed by ({@code claimed_by}). */
    String claimer();

    /** One writing transaction's rows. */
    Batch begin();

    /** Asked inside one transaction, then told how it ended. */
    interface Batch {
        /** Whether delivery takes this message: room for it is kept from now on; false: it is written pending. */
        boolean take(Notification n);

        /** A message taken was not written (the outbox held its idempotency key already): its room is given back. */
        void notWritten(Notification n);

        /** Messages taken were written as these rows (same order): delivery holds them from now on. */
        void written(List<OutboxRow> rows, List<Notification> ns);

        /** The transaction ended, committed (visible, not yet durable) or rolled back. */
        void ended(boolean committed);

        /** The transaction is durable: the rows written go out. */
        void durable();
    }
}
