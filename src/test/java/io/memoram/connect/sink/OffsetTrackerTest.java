package io.memoram.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private final TopicPartition p0 = new TopicPartition("t", 0);
    private final TopicPartition p1 = new TopicPartition("t", 1);

    @Test
    void commitsOnlyUpToTheFirstUnconfirmedRecord() {
        OffsetTracker t = new OffsetTracker();
        for (long o = 10; o < 15; o++) {
            t.track(p0, o);
        }
        assertThat(t.committable(Set.of(p0))).containsEntry(p0, new OffsetAndMetadata(10));
        t.confirm(p0, 11);
        t.confirm(p0, 13);
        assertThat(t.committable(Set.of(p0))).containsEntry(p0, new OffsetAndMetadata(10));
        t.confirm(p0, 10);
        assertThat(t.committable(Set.of(p0))).containsEntry(p0, new OffsetAndMetadata(12));
        t.confirm(p0, 12);
        t.confirm(p0, 14);
        assertThat(t.committable(Set.of(p0))).containsEntry(p0, new OffsetAndMetadata(15));
        assertThat(t.unconfirmed()).isZero();
    }

    @Test
    void partitionsAreIndependentAndOnlyAssignedOnesAreReturned() {
        OffsetTracker t = new OffsetTracker();
        t.track(p0, 0);
        t.track(p1, 5);
        t.confirm(p1, 5);
        assertThat(t.committable(Set.of(p0, p1))).containsEntry(p0, new OffsetAndMetadata(0)).containsEntry(p1, new OffsetAndMetadata(6));
        assertThat(t.committable(Set.of(p1))).containsOnlyKeys(p1);
        assertThat(t.committable(Set.of(new TopicPartition("other", 0)))).isEmpty();
    }

    @Test
    void aRedeliveredOffsetMustBeConfirmedAsOftenAsItWasTracked() {
        OffsetTracker t = new OffsetTracker();
        t.track(p0, 3);
        t.track(p0, 3);
        t.confirm(p0, 3);
        assertThat(t.committable(Set.of(p0))).containsEntry(p0, new OffsetAndMetadata(3));
        t.confirm(p0, 3);
        assertThat(t.committable(Set.of(p0))).containsEntry(p0, new OffsetAndMetadata(4));
    }

    @Test
    void closedPartitionsAreForgottenAndLateConfirmationsIgnored() {
        OffsetTracker t = new OffsetTracker();
        t.track(p0, 1);
        t.remove(List.of(p0));
        t.confirm(p0, 1);
        assertThat(t.committable(Set.of(p0))).isEmpty();
        assertThat(t.unconfirmed()).isZero();
    }
}
