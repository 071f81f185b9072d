package io.opsrouter.notify;

import io.opsrouter.alert.AlertIntake;
import io.opsrouter.alert.Signal;
import io.opsrouter.app.Beans;
import io.opsrouter.app.CoreModule;
import io.opsrouter.app.RouterContext;
import io.opsrouter.app.RouterModule;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for the alert pipeline: records the signals the router sends to direct:signals. */
final class RecordingIntake implements AlertIntake, RouterModule {
    final List<Signal> signals = new CopyOnWriteArrayList<>();

    @Override
    public void accept(List<Signal> s) {
        signals.addAll(s);
    }

    @Override
    public String name() {
        return "recording-intake";
    }

    @Override
    public void configure(RouterContext ctx, Beans beans) {
        beans.bind(AlertIntake.BEAN, this);
    }

    List<RouterModule> modules() {
        // first: Camel's registry keeps one bean per name and class, and a lookup by name returns the first bound
        return List.of(this, new CoreModule(), new NotifyModule());
    }
}
