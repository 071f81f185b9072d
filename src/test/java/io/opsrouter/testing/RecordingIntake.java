package io.opsrouter.testing;

import io.opsrouter.alert.AlertIntake;
import io.opsrouter.alert.Signal;
import io.opsrouter.app.Beans;
import io.opsrouter.app.RouterContext;
import io.opsrouter.app.RouterModule;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the alert pipeline: a module that binds an {@code alertIntake} keeping every signal it is given
 * (across router restarts), and that can fail on purpose. Give it to {@link RouterHarness#modules} so it is
 * bound after, and so replaces, the real intake.
 */
public final class RecordingIntake implements AlertIntake, RouterModule {
    /** The sources of what a router is fed from outside: webhooks and Prometheus. */
    public static final java.util.Set<String> FED_IN = java.util.Set.of("alertmanager", "prometheus", "webhook");

    public final List<Signal> signals = new CopyOnWriteArrayList<>();
    public volatile RuntimeException failure;
    /** When set, {@link #admit} refuses what fires no P1, as the real intake does with a queue of writes waiting. */
    public volatile boolean busy;

    private volatile java.util.Set<String> sources;

    /**
     * Records only signals from these sources: a shipped router also sends its own (a scheduled backup that
     * fails in a test home at the top of its hour), which tests of fed-in alerts must not count.
     */
    public RecordingIntake onlyFrom(java.util.Set<String> sources) {
        this.sources = sources;
        return this;
    }

    @Override
    public void admit(List<Signal> batch) {
        if (!busy) return;
        for (Signal s : batch) if (s.firing() && s.severity() == io.opsrouter.alert.Severity.P1) return;
        throw new io.opsrouter.alert.IntakeBusyException(8);
    }

    @Override
    public void accept(List<Signal> batch) {
        RuntimeException f = failure;
        if (f != null) throw f;
        java.util.Set<String> only = sources;
        for (Signal s : batch) if (only == null || only.contains(s.source())) signals.add(s);
    }

    @Override
    public String name() {
        return "recording-intake";
    }

    @Override
    public void configure(RouterContext ctx, Beans beans) {
        beans.bind(AlertIntake.BEAN, this);
    }

    /** The signals about one monitor or alert name. */
    public List<Signal> of(String name) {
        return signals.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** Convenience for {@link RouterHarness#modules}: this intake, bound last. */
    public List<RouterModule> modules() {
        return List.of(this);
    }
}
