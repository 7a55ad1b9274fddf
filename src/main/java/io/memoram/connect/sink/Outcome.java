package io.memoram.connect.sink;

import java.time.Duration;

/** How the execution of one {@link WriteOp} ended: returned by the writer, never thrown. */
sealed interface Outcome {

    enum Effect { CREATED, UPDATED, DELETED, ALREADY_WRITTEN, NOTHING_TO_DELETE }

    /** The API confirmed the write (or there was nothing to do): the record's offset may be committed. */
    record Done(Effect effect) implements Outcome { }

    /**
     * The record cannot become a valid blob: the one shape of a rejection from the mapper and the
     * writer to the errant record reporter (or the task's failure). {@code field} is the record field
     * at fault ({@code user} for the target user, null when the API did not say); {@code reason}
     * is shown to users and never holds content or secrets. {@code accessDenied}: the user is
     * unknown or not (or no longer) authorised, which behavior.on.access.revoked decides about.
     */
    record Rejected(String field, String reason, boolean accessDenied) implements Outcome {
        Rejected(String field, String reason) {
            this(field, reason, false);
        }

        static Rejected of(InvalidRecordException e) {
            return new Rejected(e.field(), e.getMessage(), false);
        }
    }

    /**
     * Not done yet, for a reason that may pass (5xx, 429, no connection): run again later, in order.
     * {@code retryAfter} may be null. {@code counted}: a failure, which uses up one of the record's
     * retries; false for a wait that is no failure (its user's access is being checked by another
     * lane right now), which only the retry time budget bounds.
     */
    record Retry(Duration retryAfter, String why, boolean counted) implements Outcome {
        Retry(Duration retryAfter, String why) {
            this(retryAfter, why, true);
        }
    }

    /** The task cannot go on (e.g. the API key was refused, the URL is wrong). */
    record Fatal(String message, Throwable error) implements Outcome { }
}
