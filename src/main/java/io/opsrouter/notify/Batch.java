package io.opsrouter.notify;

import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.OutboxQueue;
import io.opsrouter.outbox.OutboxRow;
import java.util.ArrayList;
import java.util.List;

/** What the lanes of one claimed batch did, written back in one transaction when they are all done. */
final class Batch {
    /** A claimed row and the notification it holds. */
    record Item(OutboxRow row, Notification notification) {}

    final List<Long> sent = new ArrayList<>();
    final List<OutboxQueue.Failure> failures = new ArrayList<>();
    final List<OutboxRow> untried = new ArrayList<>();
    /** A lane stopped because the channel must wait: the other lanes stop after the message in hand. */
    volatile boolean stopped;

    synchronized void sent(long id) {
        sent.add(id);
    }

    synchronized void failed(OutboxQueue.Failure f) {
        failures.add(f);
    }

    synchronized void untried(List<OutboxRow> rows) {
        untried.addAll(rows);
    }

    int size() {
        return sent.size() + failures.size() + untried.size();
    }
}
