package io.opsrouter.probe;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * Which monitors this replica polls: each monitor belongs to one live replica, the one with the highest hash of
 * (monitor, replica) (rendezvous hashing). Every replica computes the same answer from the same list of live
 * replicas, so each monitor is polled once per interval whatever their number; when a replica dies only its
 * monitors move, spread over the others, and when one joins it takes a share from each. Alone, a replica polls
 * every monitor.
 */
public final class ProbeOwnership {
    private final String self;
    private final Supplier<List<String>> live;

    public ProbeOwnership(String self, Supplier<List<String>> live) {
        this.self = self;
        this.live = live;
    }

    /** Polls every monitor: the only replica. */
    public static ProbeOwnership alone() {
        return new ProbeOwnership("alone", () -> List.of("alone"));
    }

    public boolean owns(Monitor m) {
        return owns(m.id());
    }

    boolean owns(String monitorId) {
        List<String> replicas = live.get();
        if (replicas.size() <= 1) return true;
        return self.equals(owner(monitorId, replicas));
    }

    static String owner(String monitorId, List<String> replicas) {
        String best = null;
        long bestScore = 0;
        for (String r : replicas) {
            long score = hash(monitorId, r);
            if (best == null || Long.compareUnsigned(score, bestScore) > 0) {
                best = r;
                bestScore = score;
            }
        }
        return best;
    }

    public long owned(List<Monitor> monitors) {
        return monitors.stream().filter(Monitor::enabled).filter(this::owns).count();
    }

    /** FNV-1a over both names, then a 64-bit finaliser (SplitMix64) so that similar names spread evenly. */
    private static long hash(String monitorId, String replica) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (monitorId + "\u0000" + replica).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return h;
    }
}
