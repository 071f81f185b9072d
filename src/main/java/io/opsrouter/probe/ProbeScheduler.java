package io.opsrouter.probe;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts every enabled monitor on time: one timer thread for all monitors (it only hands runs to the probe pool),
 * first runs spread evenly over the interval so that a thousand monitors with the same interval do not fire in the
 * same millisecond, and a monitor whose previous run has not finished skips a turn instead of piling up.
 * Cron monitors use Quartz's cron syntax. A monitor failing but not yet confirmed down runs again after its
 * {@code retryInterval} instead of waiting for its next turn (then keeps its pace from that run).
 */
public final class ProbeScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeScheduler.class);

    private final ProbeRunner runner;
    private final ProbeMeters meters;
    private final Consumer<ProbeResult> sink;
    private final Predicate<Monitor> retrying;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final List<Slot> slots = new ArrayList<>();
    private volatile boolean stopped;
    private volatile java.util.function.Predicate<Monitor> polledHere = m -> true;

    public ProbeScheduler(ProbeRunner runner, ProbeMeters meters, Consumer<ProbeResult> sink, Clock clock) {
        this(runner, meters, sink, m -> false, clock);
    }

    /**
     * {@code retrying}: asked after each result has been recorded, whether the monitor is failing but not confirmed
     * yet (see {@link MonitorState#retrying()}): then its next run is at most its retryInterval away.
     */
    public ProbeScheduler(
            ProbeRunner runner,
            ProbeMeters meters,
            Consumer<ProbeResult> sink,
            Predicate<Monitor> retrying,
            Clock clock) {
        this.runner = runner;
        this.meters = meters;
        this.sink = sink;
        this.retrying = retrying;
        this.clock = clock;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "probe-scheduler");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
    }

    private final class Slot {
        final Monitor monitor;
        final CronExpression cron;
        final AtomicBoolean running = new AtomicBoolean();
        /** Changed on the timer thread only (and by start before it runs). */
        long dueNanos;

        volatile ScheduledFuture<?> pending;

        Slot(Monitor monitor) {
            this.monitor = monitor;
            try {
                this.cron = monitor.cron() == null ? null : new CronExpression(monitor.cron());
            } catch (java.text.ParseException e) {
                throw new IllegalArgumentException(e);
            }
        }
    }

    public void start(List<Monitor> monitors) {
        Map<Duration, List<Slot>> byInterval = new LinkedHashMap<>();
        for (Monitor m : monitors) {
            if (!m.enabled()) continue;
            Slot s = new Slot(m);
            slots.add(s);
            if (s.cron != null) {
                scheduleCron(s);
            } else {
                byInterval.computeIfAbsent(m.interval(), k -> new ArrayList<>()).add(s);
            }
        }
        long now = System.nanoTime();
        for (Map.Entry<Duration, List<Slot>> group : byInterval.entrySet()) {
            List<Slot> ss = new ArrayList<>(group.getValue());
            ss.sort(Comparator.comparing(s -> s.monitor.id()));
            long interval = group.getKey().toNanos();
            for (int i = 0; i < ss.size(); i++) {
                Slot s = ss.get(i);
                s.dueNanos = now + interval * i / ss.size();
                schedule(s);
            }
        }
        LOG.info("probes: {} monitors scheduled", slots.size());
    }

    private void scheduleCron(Slot s) {
        Date next = s.cron.getNextValidTimeAfter(Date.from(clock.instant()));
        if (next == null) return;
        s.dueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(next.getTime() - clock.millis());
        schedule(s);
    }

    private void schedule(Slot s) {
        if (stopped) return;
        try {
            s.pending =
                    timer.schedule(() -> fire(s), Math.max(0, s.dueNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /** With several replicas: runs only the monitors this one polls ({@link ProbeOwnership}); the rest keep time. */
    public void pollOnly(java.util.function.Predicate<Monitor> here) {
        this.polledHere = here;
    }

    private void fire(Slot s) {
        long due = s.dueNanos;
        if (!polledHere.test(s.monitor)) {
            LOG.trace("monitor {} is polled by another replica", s.monitor.id());
        } else if (s.running.compareAndSet(false, true)) {
            try {
                runner.workers().execute(() -> runOnce(s, due));
            } catch (RejectedExecutionException e) {
                s.running.set(false);
                LOG.warn("probe pool full: monitor {} skipped a run", s.monitor.id());
            }
        } else {
            LOG.debug("monitor {} still running: skipped a run", s.monitor.id());
        }
        if (s.cron != null) {
            scheduleCron(s);
        } else {
            long interval = s.monitor.interval().toNanos();
            long next = due + interval;
            long now = System.nanoTime();
            if (next < now) next += ((now - next) / interval + 1) * interval;
            s.dueNanos = next;
            schedule(s);
        }
    }

    private void runOnce(Slot s, long due) {
        meters.startDelay(System.nanoTime() - due);
        try {
            runner.run(s.monitor)
                    .whenCompleteAsync(
                            (r, e) -> {
                                s.running.set(false);
                                if (r != null && !stopped) {
                                    deliver(r);
                                    if (retrying.test(s.monitor)) retrySoon(s);
                                }
                                if (e != null) LOG.warn("monitor {}: {}", s.monitor.id(), e.toString());
                            },
                            runner.workers());
        } catch (RuntimeException e) {
            s.running.set(false);
            LOG.warn("monitor {}: {}", s.monitor.id(), e.toString());
        }
    }

    /** Moves the monitor's next run to its retryInterval from now, when that is sooner than its next turn. */
    private void retrySoon(Slot s) {
        try {
            timer.execute(() -> {
                long at = System.nanoTime() + s.monitor.retryInterval().toNanos();
                if (stopped || at - s.dueNanos >= 0) return;
                if (s.pending != null) s.pending.cancel(false);
                s.dueNanos = at;
                schedule(s);
            });
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private void deliver(ProbeResult r) {
        try {
            sink.accept(r);
        } catch (RuntimeException e) {
            LOG.warn(
                    "monitor {}: the result could not be recorded: {}",
                    r.monitor().id(),
                    e.getMessage());
        }
    }

    /**
     * Runs {@code beat} every {@code period} on the scheduler's own thread, so a stalled scheduler stops beating
     * (the heartbeat module raises RouterScheduleStalled).
     */
    public void beatEvery(Duration period, Runnable beat) {
        try {
            timer.scheduleAtFixedRate(
                    () -> {
                        try {
                            beat.run();
                        } catch (RuntimeException e) {
                            LOG.debug("probe scheduler beat: {}", e.toString());
                        }
                    },
                    0,
                    period.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    @Override
    public void close() {
        stopped = true;
        timer.shutdownNow();
    }
}
