package io.opsrouter.probe;

import io.opsrouter.alert.AlertIntake;
import io.opsrouter.alert.Signal;
import io.opsrouter.app.Beans;
import io.opsrouter.app.RouterContext;
import io.opsrouter.app.RouterModule;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for the alert pipeline: a module that binds an {@code alertIntake} recording every signal. */
final class RecordingIntake implements AlertIntake, RouterModule {
    final List<Signal> signals = new CopyOnWriteArrayList<>();

    @Override
    public void accept(List<Signal> batch) {
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

    List<Signal> of(String monitor) {
        return signals.stream().filter(s -> s.name().equals(monitor)).toList();
    }
}
