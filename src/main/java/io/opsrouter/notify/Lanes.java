package io.opsrouter.notify;

import io.opsrouter.app.Json;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.OutboxRow;
import io.opsrouter.outbox.Recipient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a claimed batch is split into lanes that are sent at once: by the message's group and, for person-addressed
 * channels, the person. One group's messages to one person share a lane and keep their order.
 */
final class Lanes {
    private static final Logger LOG = LoggerFactory.getLogger(Lanes.class);

    private Lanes() {}

    /**
     * Messages with the same lane key keep their order; others may overtake each other. Same group, and for
     * person-addressed channels the same person: each person reads one group's messages in order.
     */
    static String laneKey(Notification n) {
        Recipient r = n.recipient();
        String who = r == null ? "" : r.phone() != null ? r.phone() : String.valueOf(r.email());
        return n.groupKey() + "\n" + who;
    }

    /** Reads the rows and splits them into at most {@code n} lanes, each in claim order; a row that cannot be read goes to {@code unreadable}. */
    static List<List<Batch.Item>> split(List<OutboxRow> rows, int n, BiConsumer<OutboxRow, Exception> unreadable) {
        Map<Integer, List<Batch.Item>> lanes = new LinkedHashMap<>();
        for (OutboxRow row : rows) {
            Notification note;
            try {
                note = Json.MAPPER.readValue(row.payload(), Notification.class);
            } catch (Exception e) {
                unreadable.accept(row, e);
                continue;
            }
            int lane = n == 1 ? 0 : Math.floorMod(laneKey(note).hashCode(), n);
            lanes.computeIfAbsent(lane, k -> new ArrayList<>()).add(new Batch.Item(row, note));
        }
        return new ArrayList<>(lanes.values());
    }

    /** Waits for every lane to end, even when interrupted (the batch's write-back needs them all done). */
    static void awaitAll(List<Future<?>> lanes) {
        boolean interrupted = false;
        for (Future<?> f : lanes) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    LOG.error("a delivery lane failed", e.getCause());
                    break;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
