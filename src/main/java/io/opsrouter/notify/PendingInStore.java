package io.opsrouter.notify;

/**
 * Whether rows of one channel may be pending in the store: the channel lacked room or a token when a message was
 * written, a row was given back, or a claim came back full. While so, the channel takes no new row from its
 * transaction ({@link DirectHandover}): new rows are written pending and claimed in order, most severe first, so none
 * overtakes one that waits. A claim that comes back short clears it, unless a row was written pending since that
 * claim began, or a transaction writing one has not ended (its row may be invisible to the claim).
 */
final class PendingInStore {
    private boolean maybe = true;
    /** Pending rows written (or given back) so far. */
    private long written;
    /** Transactions (and marks) writing pending rows that have not ended. */
    private int writing;

    /** Whether rows may be pending in the store (else every new row was taken from its transaction). */
    synchronized boolean maybe() {
        return maybe;
    }

    /** A pending row is being written; {@code firstOfItsWrite}: its transaction or mark is counted until it ends. */
    synchronized void writing(boolean firstOfItsWrite) {
        maybe = true;
        written++;
        if (firstOfItsWrite) writing++;
    }

    /** Rows became due in the store that this process did not write (a gone replica's claims, taken over). */
    synchronized void madeDue() {
        maybe = true;
        written++;
    }

    /** A transaction or mark that wrote pending rows ended. */
    synchronized void written() {
        writing--;
    }

    /** To pass to {@link #claimed} for a claim beginning now. */
    synchronized long writtenSoFar() {
        return written;
    }

    /**
     * A claim that began when {@link #writtenSoFar} was {@code before} took {@code rows} of the {@code wanted}: short,
     * it took all that was due, and nothing is pending unless a row was written pending since it began or is being
     * written; full, there may be more.
     */
    synchronized void claimed(long before, int rows, int wanted) {
        if (rows >= wanted) maybe = true;
        else if (written == before && writing == 0) maybe = false;
    }
}
