package io.opsrouter.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When a channel may again take new rows straight from their transaction: only once a claim proves none pending. */
class PendingInStoreTest {
    @Test
    void rowsMayBePendingUntilTheFirstClaimComesBackShort() {
        PendingInStore p = new PendingInStore();
        assertThat(p.maybe()).isTrue();
        p.claimed(p.writtenSoFar(), 3, 10);
        assertThat(p.maybe()).isFalse();
    }

    @Test
    void rowsMadeDueByTakingOverAGoneReplicasClaimsArePendingUntilAClaimThatBeganAfterwardsComesBackShort() {
        PendingInStore p = new PendingInStore();
        p.claimed(p.writtenSoFar(), 0, 10);
        long before = p.writtenSoFar();
        p.madeDue();
        assertThat(p.maybe()).isTrue();
        p.claimed(before, 0, 10);
        assertThat(p.maybe())
                .as("that claim may have looked before they were due")
                .isTrue();
        p.claimed(p.writtenSoFar(), 2, 10);
        assertThat(p.maybe()).isFalse();
    }

    @Test
    void aRowWrittenPendingAfterAClaimBeganKeepsItPending() {
        PendingInStore p = new PendingInStore();
        long before = p.writtenSoFar();
        p.writing(true);
        p.written();
        p.claimed(before, 0, 10);
        assertThat(p.maybe()).isTrue();
        p.claimed(p.writtenSoFar(), 0, 10);
        assertThat(p.maybe()).isFalse();
    }

    @Test
    void aWriteThatHasNotEndedKeepsItPendingItsRowMayBeInvisibleToTheClaim() {
        PendingInStore p = new PendingInStore();
        p.writing(true);
        p.writing(false);
        p.claimed(p.writtenSoFar(), 0, 10);
        assertThat(p.maybe()).isTrue();
        p.written();
        p.claimed(p.writtenSoFar(), 0, 10);
        assertThat(p.maybe()).isFalse();
    }

    @Test
    void aFullClaimMayHaveLeftMore() {
        PendingInStore p = new PendingInStore();
        p.claimed(p.writtenSoFar(), 0, 10);
        p.claimed(p.writtenSoFar(), 10, 10);
        assertThat(p.maybe()).isTrue();
    }
}
