package io.opsrouter.ingest;

import io.opsrouter.alert.AlertIntake;
import io.opsrouter.alert.Signal;
import io.opsrouter.app.Beans;
import io.opsrouter.app.CoreModule;
import io.opsrouter.app.RouterContext;
import io.opsrouter.app.RouterModule;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An intake that keeps what it accepted (across router restarts) and can fail on purpose. */
final class RecordingIntake implements AlertIntake {
    final List<Signal> signals = new CopyOnWriteArrayList<>();
    volatile RuntimeException failure;

    @Override
    public void accept(List<Signal> batch) {
        RuntimeException f = failure;
        if (f != null) throw f;
        signals.addAll(batch);
    }

    /** The router's core and ingestion modules with this intake bound as {@code alertIntake}. */
    List<RouterModule> modules() {
        RecordingIntake self = this;
        CoreModule core = new CoreModule();
        RouterModule coreWithThisIntake = new RouterModule() {
            @Override
            public String name() {
                return core.name();
            }

            @Override
            public void configure(RouterContext ctx, Beans beans) {
                // Camel's registry keeps one bean per name and type: leave the stand-in intake out, bind this one
                core.configure(ctx, (name, bean) -> {
                    if (!name.equals(AlertIntake.BEAN)) beans.bind(name, bean);
                });
                beans.bind(AlertIntake.BEAN, self);
            }

            @Override
            public void started(org.apache.camel.CamelContext camel) {
                core.started(camel);
            }

            @Override
            public void stop() {
                core.stop();
            }
        };
        return List.of(coreWithThisIntake, new IngestModule());
    }
}
