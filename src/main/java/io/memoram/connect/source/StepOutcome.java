package io.memoram.connect.source;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.connect.source.SourceRecord;

/** What one step of one user (one API call and what it produced) came to. */
sealed interface StepOutcome {

    /**
     * The call succeeded. {@code bytes} estimates the records' own heap (for the fetch buffer's
     * bound; the buffer adds the strings their offsets hold); {@code passEnded} is true when this
     * step ended the user's pass (the user waits poll.interval.ms), {@code listingComplete} when it
     * did so with a complete listing (counted as a completed pass; false when the pass was
     * abandoned, e.g. over cursors that never end the listing).
     */
    record Records(List<SourceRecord> records, long bytes, boolean passEnded, boolean listingComplete) implements StepOutcome {
        static Records midPass(List<SourceRecord> records, long bytes) {
            return new Records(records, bytes, false, false);
        }
    }

    /** The API refused the user's calls with 403: its access requests must be checked. */
    record Denied(String message) implements StepOutcome { }

    /** The call failed; the user waits its backoff (at least {@code retryAfter} when the server said so). */
    record Failed(String call, String message, Duration retryAfter) implements StepOutcome { }

    /** The task cannot go on (a refused API key, behavior.on.decryption.error=fail). */
    record Fatal(RuntimeException error) implements StepOutcome { }
}
