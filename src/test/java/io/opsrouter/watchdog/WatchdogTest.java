package io.opsrouter.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** On a hand-moved monotonic clock: a part is stuck only while a round of work stays open past the limit. */
class WatchdogTest {
    final AtomicLong nanos = new AtomicLong(1_000);
    final Watchdog watchdog = new Watchdog(nanos::get);

    void pass(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void anIdlePartIsNeverStuckHoweverLongItRests() {
        watchdog.stallAfter(Duration.ofSeconds(60));
        Progress sweep = watchdog.part("alerts-sweep");
        pass(Duration.ofHours(5));
        assertThat(watchdog.stalled()).isEmpty();
        assertThat(sweep.busyNanos()).isZero();
        assertThat(sweep.sinceDoneNanos()).isEqualTo(Duration.ofHours(5).toNanos());
    }

    @Test
    void aRoundOpenPastTheLimitIsStuckUntilItCloses() {
        watchdog.stallAfter(Duration.ofSeconds(60));
        Progress sweep = watchdog.part("alerts-sweep");
        Progress.Cycle round = sweep.begin();
        pass(Duration.ofSeconds(60));
        assertThat(watchdog.stalled()).isEmpty();
        pass(Duration.ofSeconds(1));
        assertThat(watchdog.stalled()).containsExactly(new Watchdog.Stall("alerts-sweep", Duration.ofSeconds(61)));
        assertThat(watchdog.stuck(sweep)).isTrue();
        round.close();
        assertThat(watchdog.stalled()).isEmpty();
        assertThat(sweep.sinceDoneNanos()).isZero();
        round.close();
        assertThat(sweep.busyNanos()).isZero();
    }

    @Test
    void theOldestOpenRoundCountsWhenSeveralRun() {
        watchdog.stallAfter(Duration.ofSeconds(10));
        Progress intake = watchdog.part("alerts-intake");
        Progress.Cycle first = intake.begin();
        pass(Duration.ofSeconds(8));
        Progress.Cycle second = intake.begin();
        pass(Duration.ofSeconds(4));
        second.close();
        assertThat(watchdog.stalled()).extracting(Watchdog.Stall::part).containsExactly("alerts-intake");
        first.close();
        assertThat(watchdog.stalled()).isEmpty();
    }

    @Test
    void partsAreMadeOnceAndListenersHearOfEachAlsoThoseMadeBefore() {
        Progress a = watchdog.part("a");
        List<String> heard = new ArrayList<>();
        watchdog.onPart(p -> heard.add(p.part()));
        assertThat(watchdog.part("a")).isSameAs(a);
        watchdog.part("b");
        assertThat(heard).containsExactly("a", "b");
    }

    @Test
    void theLimitMustBePositive() {
        assertThatThrownBy(() -> watchdog.stallAfter(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(watchdog.stallAfter()).isEqualTo(Watchdog.DEFAULT_STALL_AFTER);
    }
}
