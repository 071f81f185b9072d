package io.opsrouter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionTest {
    private static Observation http(int status, long latencyMs, String body) {
        return new Observation(Duration.ofMillis(latencyMs), status, body, false, Map.of(), null);
    }

    private static boolean holds(String condition, Kind kind, Observation o) {
        return Condition.parse(condition, kind).evaluate(o).passed();
    }

    @Test
    void statusLatencyAndBodyConditionsAsOpsWriteThem() {
        Observation ok = http(200, 120, "{\"status\":\"ok\",\"count\":3,\"up\":true,\"items\":[1,2]}");
        assertThat(holds("status == 200", Kind.HTTP, ok)).isTrue();
        assertThat(holds("status != 200", Kind.HTTP, ok)).isFalse();
        assertThat(holds("status < 400", Kind.HTTP, ok)).isTrue();
        assertThat(holds("latency < 800ms", Kind.HTTP, ok)).isTrue();
        assertThat(holds("latency < 100ms", Kind.HTTP, ok)).isFalse();
        assertThat(holds("latency <= 1s", Kind.HTTP, ok)).isTrue();
        assertThat(holds("body.$.status == \"ok\"", Kind.HTTP, ok)).isTrue();
        assertThat(holds("body.$.status == 'ok'", Kind.HTTP, ok)).isTrue();
        assertThat(holds("body.$.status != \"ok\"", Kind.HTTP, ok)).isFalse();
        assertThat(holds("body.$.count >= 3", Kind.HTTP, ok)).isTrue();
        assertThat(holds("body.$.count > 3", Kind.HTTP, ok)).isFalse();
        assertThat(holds("body.$.up == true", Kind.HTTP, ok)).isTrue();
        assertThat(holds("body contains \"count\"", Kind.HTTP, ok)).isTrue();
        assertThat(holds("body !contains \"error\"", Kind.HTTP, ok)).isTrue();
        assertThat(holds("body matches \"\\\"count\\\":\\d+\"", Kind.HTTP, ok)).isTrue();
        assertThat(holds("body matches \"^<html\"", Kind.HTTP, ok)).isFalse();
    }

    @Test
    void failedConditionsSayWhatWasSeen() {
        Observation o = http(503, 1500, "<html>maintenance</html>");
        assertThat(Condition.parse("status == 200", Kind.HTTP).evaluate(o).actual())
                .isEqualTo("503");
        assertThat(Condition.parse("latency < 800ms", Kind.HTTP).evaluate(o).actual())
                .isEqualTo("1500ms");
        Condition.Outcome json =
                Condition.parse("body.$.status == \"ok\"", Kind.HTTP).evaluate(o);
        assertThat(json.passed()).isFalse();
        assertThat(json.actual()).isEqualTo("body is not JSON");
        Condition.Outcome missing =
                Condition.parse("body.$.nothing == 1", Kind.HTTP).evaluate(http(200, 1, "{\"a\":1}"));
        assertThat(missing.actual()).isEqualTo("no value at $['nothing']");
        Observation error = Observation.failed(Duration.ofMillis(5), "connection refused");
        assertThat(Condition.parse("status == 200", Kind.HTTP).evaluate(error).actual())
                .isEqualTo("connection refused");
    }

    @Test
    void namedValuesOfSqlAndDatabaseAndTlsMonitors() {
        Observation sql = Observation.values(Duration.ofMillis(3), Map.of("unprocessed_p1", 0.0, "error_rate", 0.25));
        assertThat(holds("unprocessed_p1 == 0", Kind.SQL, sql)).isTrue();
        assertThat(holds("error_rate <= 0.1", Kind.SQL, sql)).isFalse();
        assertThat(holds("revenue_change_ratio > -0.2", Kind.SQL, sql)).isFalse();
        assertThat(Condition.parse("revenue_change_ratio > -0.2", Kind.SQL)
                        .evaluate(sql)
                        .actual())
                .isEqualTo("no value revenue_change_ratio in the result");
        assertThat(holds("days_left > 30", Kind.TLS, Observation.values(Duration.ZERO, Map.of("days_left", 44.5))))
                .isTrue();
        assertThat(holds(
                        "connections_used_ratio < 0.9",
                        Kind.PG,
                        Observation.values(Duration.ZERO, Map.of("connections_used_ratio", 0.95))))
                .isFalse();
    }

    @Test
    void badConditionsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Condition.parse("status = 200", Kind.HTTP)).hasMessageContaining("is not a condition");
        assertThatThrownBy(() -> Condition.parse("latency < 800", Kind.HTTP))
                .hasMessageContaining("compare latency with a duration");
        assertThatThrownBy(() -> Condition.parse("status == ok", Kind.HTTP)).hasMessageContaining("is not a number");
        assertThatThrownBy(() -> Condition.parse("status == \"200\"", Kind.HTTP))
                .hasMessageContaining("compare with a number");
        assertThatThrownBy(() -> Condition.parse("body.$[[ == 1", Kind.HTTP)).hasMessageContaining("bad JSONPath");
        assertThatThrownBy(() -> Condition.parse("body matches \"([a\"", Kind.HTTP))
                .hasMessageContaining("bad regular expression");
        assertThatThrownBy(() -> Condition.parse("body > \"a\"", Kind.HTTP)).hasMessageContaining("needs a number");
        assertThatThrownBy(() -> Condition.parse("status == 200", Kind.SQL))
                .hasMessageContaining("only http monitors have a status");
        assertThatThrownBy(() -> Condition.parse("body contains \"x\"", Kind.TLS))
                .hasMessageContaining("only http monitors have a body");
        assertThatThrownBy(() -> Condition.parse("days_left > 30", Kind.HTTP))
                .hasMessageContaining("http monitors have no value");
        assertThatThrownBy(() -> Condition.parse("expiry > 30", Kind.TLS))
                .hasMessageContaining("tls monitors have days_left");
        assertThatThrownBy(() -> Condition.parse("connections > 3", Kind.PG))
                .hasMessageContaining("no built-in database metric");
        assertThatThrownBy(() -> Condition.parse("Status == 200", Kind.HTTP))
                .hasMessageContaining("is not something a probe measures");
    }
}
