package io.opsrouter.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelMatcherTest {
    /** The expression of the attack that hung the sweep: with a backtracking engine this match does not end. */
    @Test
    void theBacktrackingAttackIsMatchedInLinearTime() {
        LabelMatcher m = LabelMatcher.of(Map.of(), Map.of("instance", "(.*a){20}"));
        assertThat(m.matches(Map.of("instance", "a".repeat(40) + "!"))).isFalse();
        assertThat(m.matches(Map.of("instance", "a".repeat(40)))).isTrue();
        assertThat(LabelMatcher.of(Map.of(), Map.of("instance", "(a+)+$"))
                        .matches(Map.of("instance", "a".repeat(5000) + "!")))
                .isFalse();
    }

    @Test
    void expressionsAreAnchored() {
        LabelMatcher m = LabelMatcher.of(Map.of("env", "prod"), Map.of("service", "front.*"));
        assertThat(m.matches(Map.of("env", "prod", "service", "frontend"))).isTrue();
        assertThat(m.matches(Map.of("env", "prod", "service", "the-frontend"))).isFalse();
        assertThat(m.matches(Map.of("env", "test", "service", "frontend"))).isFalse();
        assertThat(LabelMatcher.of(Map.of(), Map.of("service", "")).matches(Map.of("env", "prod")))
                .isTrue();
    }

    @Test
    void whatRe2CannotCompileIsRefusedWithTheReason() {
        assertThatThrownBy(() -> LabelMatcher.compile("(?=a)b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an RE2 regular expression")
                .hasMessageContaining("(?=");
        assertThatThrownBy(() -> LabelMatcher.compile("(a)\\1")).hasMessageContaining("invalid escape sequence");
        assertThatThrownBy(() -> LabelMatcher.compile("a*+"))
                .hasMessageContaining("invalid nested repetition operator");
        assertThatThrownBy(() -> LabelMatcher.compile("a(")).hasMessageContaining("missing closing )");
        assertThatThrownBy(() -> LabelMatcher.compile("a".repeat(1001))).hasMessage("is longer than 1000 characters");
    }

    /** RE2/J writes counted repetitions out in full: large or nested ones would take the heap, so they are refused first. */
    @Test
    void largeCountedRepetitionsAreRefusedBeforeCompiling() {
        assertThatThrownBy(() -> LabelMatcher.compile("((a{1000}){1000}){1000}"))
                .hasMessage("grows past 3000 parts when its counted repetitions ({n}) are written out");
        assertThatThrownBy(() -> LabelMatcher.compile("(x(a{2,40}b){80})")).hasMessageContaining("grows past 3000");
        assertThatThrownBy(() -> LabelMatcher.compile("a{999}b{999}c{999}d{9}"))
                .hasMessageContaining("grows past 3000");
        assertThat(LabelMatcher.compile("(a{10}){100}").matches("a".repeat(1000)))
                .isTrue();
        assertThat(LabelMatcher.compile("[{]{5}\\{x{3}\\}").matches("{{{{{{xxx}"))
                .isTrue();
    }

    @Test
    void repeatSizeWritesOutCountsAndSkipsEscapesClassesAndLiteralBraces() {
        assertThat(RepeatSize.of("a{5}")).isEqualTo(5);
        assertThat(RepeatSize.of("(ab{10}){20}")).isEqualTo(220);
        assertThat(RepeatSize.of("(a{5})|(b{7})")).isEqualTo(13);
        assertThat(RepeatSize.of("\\{9}[{9}](a{,9})")).isEqualTo(9);
        assertThat(RepeatSize.of("[]{(]{9}")).isEqualTo(9);
        assertThat(RepeatSize.of("\\Q(a{9}\\E{3}")).isEqualTo(15);
        assertThat(RepeatSize.of("((a{2,40}){30}")).isEqualTo(1200);
    }

    @Test
    void aValueLongerThanTheBoundIsNotMatchedByAnExpression() {
        LabelMatcher m = LabelMatcher.of(Map.of(), Map.of("x", "a*"));
        assertThat(m.matches(Map.of("x", "a".repeat(LabelMatcher.MAX_VALUE)))).isTrue();
        assertThat(m.matches(Map.of("x", "a".repeat(LabelMatcher.MAX_VALUE + 1))))
                .isFalse();
    }
}
