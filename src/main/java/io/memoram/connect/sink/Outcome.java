package io.memoram.connect.sink;

import java.time.Duration;

/** How the execution of one {@link WriteOp} ended. */
public sealed interface Outcome {

    enum Effect { CREATED, UPDATED, DELETED, ALREADY_WRITTEN, NOTHING_TO_DELETE }

    /** The API confirmed the write (or there was nothing to do): the record's offset may be committed. */
    record Done(Effect effect) implements Outcome { }

    /**
     * The record cannot become a valid blob (400, unknown or unauthorised user, missing blob id).
     * {@code accessDenied}: the user is unknown or not (or no longer) authorised, which
     * behavior.on.access.revoked decides about.
     */
    record Rejected(String field, String reason, boolean accessDenied) implements Outcome {
        public Rejected(String field, String reason) {
            this(field, reason, false);
        }
    }

    /** The API is unavailable for now: run the op again later, in order. {@code retryAfter} may be null. */
    record Retry(Duration retryAfter, String why) implements Outcome { }

    /** The task cannot go on (e.g. the API key was refused). */
    record Fatal(String message, Throwable error) implements Outcome { }
}
