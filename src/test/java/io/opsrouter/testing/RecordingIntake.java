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
    public final List<Signal> signals = new CopyOnWriteArrayList<>();
    public volatile RuntimeException failure;

    @Override
    public void accept(List<Signal> batch) {
        RuntimeException f = failure;
        if (f != null) throw f;
        signals.addAll(batch);
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
