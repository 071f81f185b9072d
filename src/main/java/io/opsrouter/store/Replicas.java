package io.opsrouter.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas sharing one PostgreSQL, and the singleton jobs each of them leads. Every {@link #RENEW_EVERY} a
 * replica renews its membership (a lease {@code replica/<id>} in the leases table) and tries to take or renew each
 * lease it {@link #lead leads for} (e.g. the alert sweep); a lease lives {@link #TTL}, so when a replica dies its
 * leases are taken and its share of the monitors moves within TTL + RENEW_EVERY (8 s). A replica counts a lease as
 * held only while its last renewal is younger than TTL - RENEW_EVERY by its own clock, so it stops before another
 * may take it. The list of live replicas is the last one read: while the store is away it stays as it was.
 * On the embedded store there is one process: it is the only replica and leads everything, without writes.
 */
public final class Replicas implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Replicas.class);
    public static final Duration TTL = Duration.ofSeconds(6);
    public static final Duration RENEW_EVERY = Duration.ofSeconds(2);
    static final String MEMBER = "replica/";
    /** The lease of the alert sweep (promotions, group messages, escalations, reminders). */
    public static final String SWEEP = "alert-sweep";

    private final Leases leases;
    private final String id;
    private final boolean solo;
    private final Set<String> wanted = new CopyOnWriteArraySet<>();
    private final Map<String, Long> heldSince = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile List<String> live;
    /** The live replicas were read from the store at least once (until then {@link #live} is this one alone). */
    private volatile boolean read;

    private volatile ScheduledExecutorService timer;
    private long rounds;

    private Replicas(StateStore store, String id, boolean solo) {
        this.leases = store == null ? null : new Leases(store, id);
        this.id = id;
        this.solo = solo;
        this.live = List.of(id);
    }

    /** The replicas of {@code store}; on the embedded store, this process alone. Call {@link #start}. */
    public static Replicas of(StateStore store, String id) {
        return new Replicas(store, id, store.dialect() == Dialect.H2);
    }

    /** A process that is the only replica, for tests and tools. */
    public static Replicas alone(String id) {
        return new Replicas(null, id, true);
    }

    /** A name for this process: the host name and a random part, so that a restarted process is a new replica. */
    public static String newId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "router";
        }
        return host + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    public String id() {
        return id;
    }

    /** Asks to lead {@code lease}: taken when free, renewed while held. */
    public void lead(String lease) {
        wanted.add(lease);
        if (timer != null) timer.execute(this::renew);
    }

    /** True while this replica holds {@code lease} (one it {@link #lead leads for}). */
    public boolean leads(String lease) {
        if (solo) return wanted.contains(lease);
        Long since = heldSince.get(lease);
        return since != null
                && System.nanoTime() - since < TTL.minus(RENEW_EVERY).toNanos();
    }

    /** The leases this replica asked to lead. */
    public Set<String> leadsFor() {
        return Set.copyOf(wanted);
    }

    /** The live replicas, sorted, this one included. */
    public List<String> live() {
        return live;
    }

    /**
     * Called on the renewing thread when the live replicas are first read and whenever they change; a listener
     * added after the first read is called once soon.
     */
    public void onChange(Runnable listener) {
        listeners.add(listener);
        ScheduledExecutorService t = timer;
        if (read && t != null) {
            try {
                t.execute(listener);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // closed meanwhile: nothing changes any more
            }
        }
    }

    public synchronized void start() {
        if (solo || timer != null) return;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "replicas");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::renew, 0, RENEW_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    void renew() {
        try {
            long before = System.nanoTime();
            if (!leases.tryAcquire(MEMBER + id, TTL)) LOG.warn("replica {}: membership lease refused", id);
            for (String lease : wanted) {
                boolean held = leases.tryAcquire(lease, TTL);
                Long was = heldSince.get(lease);
                if (held) heldSince.put(lease, before);
                else heldSince.remove(lease);
                if (held != (was != null))
                    LOG.info("replica {} {} {}", id, held ? "now leads" : "no longer leads", lease);
            }
            if (++rounds % 300 == 1) forgetDead();
            List<String> now = readLive();
            boolean first = !read;
            if (first || !now.equals(live)) {
                LOG.info("replicas live: {} (this one: {})", now, id);
                live = now;
                read = true;
                for (Runnable l : listeners) l.run();
            }
        } catch (RuntimeException e) {
            LOG.debug("replica {}: renewing failed: {}", id, e.toString());
        }
    }

    /** Drops the membership of replicas gone for an hour (each restart is a new replica). */
    private void forgetDead() {
        OffsetDateTime before = OffsetDateTime.ofInstant(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        leases.store().inTransaction(c -> {
            try (PreparedStatement d =
                    c.prepareStatement("DELETE FROM leases WHERE lease_name LIKE ? AND expires_at < ?")) {
                d.setString(1, MEMBER + "%");
                d.setObject(2, before);
                return d.executeUpdate();
            }
        });
    }

    private List<String> readLive() {
        OffsetDateTime now = OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
        return leases.store().read(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement q =
                    c.prepareStatement("SELECT lease_name FROM leases WHERE lease_name LIKE ? AND expires_at > ?")) {
                q.setString(1, MEMBER + "%");
                q.setObject(2, now);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) ids.add(rs.getString(1).substring(MEMBER.length()));
                }
            }
            if (!ids.contains(id)) ids.add(id);
            ids.sort(null);
            return List.copyOf(ids);
        });
    }

    /** Stops renewing without letting go, as a killed process does (for tests). */
    synchronized void halt() {
        if (timer != null) timer.shutdownNow();
        timer = null;
        heldSince.clear();
    }

    /** Stops renewing and lets go of this replica's leases, so that the others take over at once. */
    @Override
    public synchronized void close() {
        if (timer == null) return;
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer = null;
        try {
            for (String lease : wanted) leases.release(lease);
            leases.release(MEMBER + id);
        } catch (RuntimeException e) {
            LOG.debug("replica {}: releasing leases failed: {}", id, e.toString());
        }
        heldSince.clear();
    }
}
