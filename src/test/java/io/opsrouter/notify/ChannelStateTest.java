package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsrouter.notify.channel.LogChannel;
import io.opsrouter.outbox.ChannelName;
import io.opsrouter.outbox.Notification;
import io.opsrouter.outbox.OutboxRow;
import io.opsrouter.watchdog.Progress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-flight window of one channel: what it counts bounds what a crash can send twice. */
class ChannelStateTest {
    static final Instant NOW = Instant.parse("2026-12-07T05:00:00Z");

    @TempDir
    Path dir;

    ChannelState state(int window) {
        Clock clock = Clock.systemUTC();
        return new ChannelState(
                new LogChannel(dir, clock),
                new ChannelHealth(ChannelName.LOG, 3, Duration.ofSeconds(30), a -> true, clock),
                new TokenBucket(DispatchSettings.Rate.UNLIMITED, 0),
                window,
                Progress.unwatched("test"));
    }

    static ChannelState.Held held(long id, String group) {
        Notification n = Notifications.inGroup("k" + id, "log", group);
        OutboxRow row = new OutboxRow(id, "k" + id, "log", "P2", "{}", 0, Instant.EPOCH, "token");
        return new ChannelState.Held(row, n, ChannelState.laneKey(n));
    }

    @Test
    void claimsLookForExpiredLeasesOnceASecond() {
        ChannelState st = state(3);
        long t = 5_000_000_000L;
        assertThat(st.expiredScanDue(t)).as("the first claim looks").isTrue();
        assertThat(st.expiredScanDue(t + 1)).isFalse();
        assertThat(st.expiredScanDue(t + ChannelState.EXPIRED_SCAN_NANOS - 1)).isFalse();
        assertThat(st.expiredScanDue(t + ChannelState.EXPIRED_SCAN_NANOS)).isTrue();
        assertThat(st.expiredScanDue(t + ChannelState.EXPIRED_SCAN_NANOS + 1)).isFalse();
    }

    @Test
    void nothingMoreIsClaimedWhileTooManyAnsweredSendsWaitForTheirMark() {
        ChannelState st = state(1024);
        for (int i = 0; i < ChannelState.MAX_UNMARKED - 1; i++) st.marking();
        assertThat(st.free()).isEqualTo(1024 - (ChannelState.MAX_UNMARKED - 1));
        st.marking();
        assertThat(st.free())
                .as("the marks fell behind: the channel waits for them")
                .isZero();
        st.marked();
        assertThat(st.free()).isEqualTo(1024 - (ChannelState.MAX_UNMARKED - 1));
    }

    @Test
    void anAnsweredSendHoldsItsPlaceInTheWindowUntilItsMarkIsCommitted() {
        ChannelState st = state(3);
        ChannelState.Held a = held(1, "a");
        ChannelState.Held b = held(2, "b");
        assertThat(st.hold(a)).isTrue();
        assertThat(st.hold(b)).isTrue();
        assertThat(st.free()).isEqualTo(1);

        st.marking();
        st.ended(a);
        assertThat(st.free()).as("answered, mark not yet committed").isEqualTo(1);
        assertThat(st.busy()).isEqualTo(2);

        st.marked();
        assertThat(st.free()).as("mark committed").isEqualTo(2);
        assertThat(st.busy()).isEqualTo(1);
    }

    @Test
    void theNextMessageOfALaneStartsWhenTheSendBeforeItIsAnswered() {
        ChannelState st = state(4);
        ChannelState.Held first = held(1, "a");
        ChannelState.Held second = held(2, "a");
        assertThat(st.hold(first)).isTrue();
        assertThat(st.hold(second)).as("waits behind the first of its group").isFalse();
        st.marking();
        assertThat(st.ended(first)).contains(second);
        assertThat(st.free()).as("one in flight, one waiting for its mark").isEqualTo(2);
    }

    @Test
    void aLaterMessageOfALaneWhoseEarlierOneWasGivenBackWaitsUntilItIsDueAgain() {
        ChannelState st = state(10);
        Instant due = NOW.plusSeconds(2);
        ChannelState.Held first = held(1, "g");
        assertThat(st.hold(first)).isTrue();
        st.endedHoldingItsLane(first);
        st.stopped(first, due, NOW);

        assertThat(st.behindStopped(held(2, "g"), NOW))
                .as("a later message of the lane")
                .isEqualTo(due);
        assertThat(st.behindStopped(held(3, "other"), NOW)).as("another lane").isNull();
        assertThat(st.behindStopped(held(2, "g"), due))
                .as("once the earlier one is due again")
                .isNull();
    }

    @Test
    void theMessageGivenBackReopensItsLaneWhenItIsClaimedAgain() {
        ChannelState st = state(10);
        ChannelState.Held first = held(5, "g");
        st.stopped(first, NOW.plusSeconds(2), NOW);

        assertThat(st.behindStopped(held(4, "g"), NOW))
                .as("an earlier message never waits")
                .isNull();
        assertThat(st.behindStopped(held(5, "g"), NOW)).as("the message itself").isNull();
        assertThat(st.behindStopped(held(6, "g"), NOW))
                .as("the lane goes on behind it")
                .isNull();
    }

    /** A channel whose first claim found nothing due: it takes messages straight from their transaction. */
    ChannelState drained(int window) {
        ChannelState st = state(window);
        st.pending.claimed(st.pending.writtenSoFar(), 0, 10);
        return st;
    }

    @Test
    void aMessageWrittenFirstInItsLaneGoesOnceDurableAndOneBehindItWaitsForIt() {
        ChannelState st = drained(10);
        assertThat(st.reserve("g", NOW, 0)).isTrue();
        assertThat(st.reserve("g", NOW, 0)).isTrue();
        assertThat(st.free()).as("room kept while they are written").isEqualTo(8);
        ChannelState.Held first = held(1, "g");
        ChannelState.Held second = held(2, "g");
        st.holdWritten(first);
        st.holdWritten(second);
        assertThat(st.free()).isEqualTo(8);
        assertThat(st.heldRows())
                .as("no lease to renew before they are durable")
                .isEmpty();

        assertThat(st.durable(second))
                .as("the later transaction became durable first")
                .isEqualTo(ChannelState.Durable.WAIT);
        assertThat(st.durable(first)).isEqualTo(ChannelState.Durable.SEND);
        assertThat(st.heldRows()).extracting(OutboxRow::id).containsExactlyInAnyOrder(1L, 2L);
        assertThat(st.ended(first)).as("the second goes when the first ends").contains(second);
    }

    @Test
    void aMessageWaitingForItsTransactionHoldsItsLaneWhenTheSendBeforeItEnds() {
        ChannelState st = drained(10);
        ChannelState.Held claimed = held(1, "g");
        assertThat(st.hold(claimed)).isTrue();
        assertThat(st.reserve("g", NOW, 0)).isTrue();
        ChannelState.Held written = held(2, "g");
        st.holdWritten(written);

        assertThat(st.ended(claimed)).as("its transaction is not durable yet").isEmpty();
        ChannelState.Held later = held(3, "g");
        assertThat(st.hold(later)).as("the lane is still taken").isFalse();
        assertThat(st.durable(written)).isEqualTo(ChannelState.Durable.SEND);
        assertThat(st.ended(written)).contains(later);
    }

    @Test
    void aRolledBackMessageFreesItsLaneAndItsRoom() {
        ChannelState st = drained(10);
        assertThat(st.reserve("g", NOW, 0)).isTrue();
        st.holdWritten(held(1, "g"));
        ChannelState.Held behind = held(2, "g");
        assertThat(st.hold(behind)).isFalse();

        assertThat(st.dropWritten(held(1, "g"))).contains(behind);
        assertThat(st.durable(held(1, "g"))).isEqualTo(ChannelState.Durable.GONE);
        assertThat(st.ended(behind)).isEmpty();
        assertThat(st.free()).isEqualTo(10);
        assertThat(st.reserve("other", NOW, 0)).isTrue();
        st.unreserve();
        assertThat(st.free()).as("an unwritten reservation gives its room back").isEqualTo(10);
    }

    @Test
    void aMessageBehindALaneThatStoppedIsClaimedLikeAnyOtherOnceDurable() {
        ChannelState st = drained(10);
        ChannelState.Held sending = held(1, "g");
        assertThat(st.hold(sending)).isTrue();
        assertThat(st.reserve("g", NOW, 0)).isTrue();
        ChannelState.Held written = held(2, "g");
        st.holdWritten(written);

        assertThat(st.endedHoldingItsLane(sending))
                .as("not given back before its transaction is durable")
                .isEmpty();
        assertThat(st.durable(written)).isEqualTo(ChannelState.Durable.TAKE);
    }

    @Test
    void nothingIsTakenStraightFromATransactionWhileRowsMayBePending() {
        ChannelState st = state(10);
        assertThat(st.reserve("g", NOW, 0)).as("before the first claim").isFalse();
        st.pending.claimed(st.pending.writtenSoFar(), 0, 10);
        assertThat(st.reserve("g", NOW, 0)).isTrue();
        st.unreserve();
        st.pending.writing(false);
        assertThat(st.reserve("g", NOW, 0)).isFalse();
    }

    @Test
    void nothingIsTakenStraightFromATransactionBehindAMessageGivenBack() {
        ChannelState st = drained(10);
        ChannelState.Held givenBack = held(1, "g");
        st.stopped(givenBack, NOW.plusSeconds(5), NOW);
        assertThat(st.reserve(givenBack.lane(), NOW, 0)).isFalse();
        assertThat(st.reserve(held(2, "other").lane(), NOW, 0)).isTrue();
        assertThat(st.reserve(givenBack.lane(), NOW.plusSeconds(5), 0)).isTrue();
    }

    @Test
    void nothingIsTakenStraightFromATransactionBeyondTheWindow() {
        ChannelState st = drained(2);
        assertThat(st.reserve("a", NOW, 0)).isTrue();
        assertThat(st.reserve("b", NOW, 0)).isTrue();
        assertThat(st.reserve("c", NOW, 0)).isFalse();
    }

    @Test
    void aMessageWhoseTransactionIsNotDurableWithinALeaseIsLetGoWithItsLane() {
        ChannelState st = drained(10);
        assertThat(st.reserve("g", NOW, 0)).isTrue();
        ChannelState.Held stuck = held(1, "g");
        st.holdWritten(stuck);
        ChannelState.Held behind = held(2, "g");
        assertThat(st.hold(behind)).isFalse();

        assertThat(st.writtenBefore(Instant.EPOCH.plusSeconds(1))).containsExactly(stuck);
        assertThat(st.letGoWritten(stuck)).as("itself first, to be given back").containsExactly(stuck, behind);
        assertThat(st.inFlight()).isZero();
        assertThat(st.durable(stuck)).isEqualTo(ChannelState.Durable.GONE);
        assertThat(st.letGoWritten(stuck)).isEmpty();
        assertThat(st.hold(held(3, "g"))).as("the lane is free").isTrue();
    }
}
