package io.opsrouter.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** One run of one monitor: what the probe saw and how each condition came out. */
public record ProbeResult(Monitor monitor, Instant at, Observation observation, List<Condition.Outcome> outcomes) {

    public ProbeResult {
        outcomes = List.copyOf(outcomes);
    }

    public static ProbeResult of(Monitor monitor, Instant at, Observation observation) {
        List<Condition.Outcome> outcomes =
                monitor.conditions().stream().map(c -> c.evaluate(observation)).toList();
        return new ProbeResult(monitor, at, observation, outcomes);
    }

    /** The same result without the body prefix, for keeping: 2,000 monitors' last bodies could hold 128 MB. */
    public ProbeResult withoutBody() {
        if (observation.body() == null) return this;
        Observation o = observation;
        return new ProbeResult(
                monitor,
                at,
                new Observation(o.latency(), o.statusCode(), null, o.bodyTruncated(), o.values(), o.error()),
                outcomes);
    }

    public boolean success() {
        return observation.error() == null && outcomes.stream().allMatch(Condition.Outcome::passed);
    }

    public Duration latency() {
        return observation.latency();
    }

    public List<Condition.Outcome> failed() {
        return outcomes.stream().filter(o -> !o.passed()).toList();
    }

    /** Why it failed, on one line: the error, or each failed condition with what was seen. */
    public String detail() {
        if (observation.error() != null) return observation.error();
        List<Condition.Outcome> failed = failed();
        if (failed.isEmpty()) return "ok";
        return failed.stream()
                .map(o -> o.condition() + " (got " + o.actual() + ")")
                .collect(Collectors.joining("; "));
    }

    /** The numbers a signal and the meters carry: success, latency_seconds, status_code and every named value. */
    public Map<String, Double> values() {
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("success", success() ? 1.0 : 0.0);
        v.put("latency_seconds", observation.latency().toNanos() / 1e9);
        if (observation.statusCode() != null)
            v.put("status_code", observation.statusCode().doubleValue());
        observation.values().forEach((k, x) -> {
            if (x != null && !x.isNaN()) v.put(k, x);
        });
        return v;
    }
}
