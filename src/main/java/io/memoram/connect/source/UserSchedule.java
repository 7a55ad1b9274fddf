package io.memoram.connect.source;

import io.memoram.connect.util.Saturating;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The order in which the pipeline starts its users' steps: users due first served first, users due
 * at the same time in the order they were queued (round-robin). Kept apart from the pipeline so
 * that the slot bookkeeping ({@link UserSlot#queued}, {@link UserSlot#sequence}) changes in one
 * place only. Not thread-safe: guarded by the pipeline's lock.
 */
final class UserSchedule {
    private final PriorityQueue<UserSlot> queue = new PriorityQueue<>(
            Comparator.comparingLong((UserSlot s) -> s.dueAt).thenComparingLong(s -> s.sequence));
    private long sequence;

    /** The slot is due at {@code at}, behind the slots already due then. */
    void enqueue(UserSlot slot, long at) {
        if (slot.paused) {
            // One check here instead of at every place that queues a user (passes, backoffs, grants).
            dequeue(slot);
            return;
        }
        if (slot.queued) {
            queue.remove(slot);
        }
        slot.dueAt = at;
        slot.sequence = sequence++;
        slot.queued = true;
        queue.add(slot);
    }

    /**
     * The slot is due {@code delayMs} after {@code now}. A sum past the end of a long (a huge
     * {@code poll.interval.ms} or Retry-After) means never rather than a negative time, which
     * would be due at once and run the user again and again.
     */
    void enqueueAfter(UserSlot slot, long now, long delayMs) {
        enqueue(slot, plus(now, delayMs));
    }

    /** {@code now + delayMs}, saturating at {@link Long#MAX_VALUE}; a negative delay counts as none. */
    static long plus(long now, long delayMs) {
        return delayMs <= 0 ? now : Saturating.add(now, delayMs);
    }

    /**
     * Puts a slot back in its old place (same due time and order). Used mid-pass, so passes
     * already started finish before new ones start.
     */
    void restore(UserSlot slot) {
        if (slot.paused) {
            return;
        }
        slot.queued = true;
        queue.add(slot);
    }

    void dequeue(UserSlot slot) {
        if (slot.queued) {
            queue.remove(slot);
            slot.queued = false;
        }
    }

    /** The slot due first, or null when none is queued. */
    UserSlot peek() {
        return queue.peek();
    }

    /** Takes the slot due first (the one {@link #peek} returned). */
    UserSlot take() {
        UserSlot slot = queue.poll();
        slot.queued = false;
        return slot;
    }
}
