package io.opsrouter.alert;

import io.micrometer.core.instrument.MeterRegistry;
import io.opsrouter.metrics.MeterNames;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stands in for the alert pipeline until it is configured: logs and counts each signal. */
public final class LoggingAlertIntake implements AlertIntake {
    private static final Logger LOG = LoggerFactory.getLogger(LoggingAlertIntake.class);
    private final MeterRegistry meters;

    public LoggingAlertIntake(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void accept(List<Signal> signals) {
        for (Signal s : signals) {
            meters.counter(MeterNames.SIGNALS, "source", s.source(), "state", s.state().name().toLowerCase()).increment();
            LOG.info("signal {} {} from {} labels={} values={}", s.name(), s.state(), s.source(), s.labels(), s.values());
        }
    }
}
