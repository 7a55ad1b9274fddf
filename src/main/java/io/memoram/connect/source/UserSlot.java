package io.memoram.connect.source;

import io.memoram.connect.access.UserAccess;
import io.memoram.connect.client.CursorWalk;
import io.memoram.connect.util.BackoffCounter;

/**
 * One user a task serves: its stream, its credentials while access is granted, and its place in
 * the pipeline's schedule. Fields are guarded by the pipeline's lock; the stream is touched by at
 * most one thread at a time (the worker running its step, or the lock holder while none runs).
 */
final class UserSlot {
    final UserStream stream;
    final BackoffCounter backoff;
    /** The cursors of the pass in progress (touched like the stream: by the thread running its step). */
    final CursorWalk walk = new CursorWalk();
    /** Credentials (in memory only) while the registry grants the user; null otherwise. */
    UserAccess access;
    /** A step of this user is in flight. */
    boolean running;
    /** Waiting in the schedule for {@link #dueAt}. */
    boolean queued;
    long dueAt = Long.MAX_VALUE;
    /** Order among slots due at the same time: first come, first served (round-robin). */
    long sequence;
    /** The next step starts a pass that follows a completed one, so its delay counts as lag. */
    boolean nextPassMeasured;
    /** Paused by a signal: never queued (see {@link UserSchedule}) until resumed. */
    boolean paused;
    /** Actions for this user that wait for its step in flight to end ({@link PullPipeline#scheduleNow}). */
    final java.util.ArrayDeque<java.util.function.Function<UserSlot, java.util.List<org.apache.kafka.connect.source.SourceRecord>>> deferred
            = new java.util.ArrayDeque<>();

    UserSlot(UserStream stream, BackoffCounter backoff) {
        this.stream = stream;
        this.backoff = backoff;
    }

    String userId() {
        return stream.userId();
    }
}
