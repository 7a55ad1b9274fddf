package io.memoram.connect.source;

import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How late passes start against their due time: the PassStartLagMs metric, and one warning per
 * task once a pass starts more than a quarter of {@code poll.interval.ms} (at least a second)
 * late, since then the task cannot keep up with its users and only the operator can fix that.
 * Apart from the pipeline so its scheduling code stays about scheduling.
 */
final class PassStartLag {
    /** The pipeline's logger: operators (and tests) find the warning under the pipeline's name. */
    private static final Logger log = LoggerFactory.getLogger(PassStartLag.class);

    private final PipelineSettings settings;
    private final SourceTaskMetrics metrics;
    private final IntSupplier userCount;
    private boolean warned;

    PassStartLag(PipelineSettings settings, SourceTaskMetrics metrics, IntSupplier userCount) {
        this.settings = settings;
        this.metrics = metrics;
        this.userCount = userCount;
    }

    /** A pass that follows a completed one started {@code lagMs} after it was due. */
    void record(long lagMs) {
        metrics.passStartLag(Math.max(0, lagMs));
        long threshold = Math.max(1_000, settings.pollInterval().toMillis() / 4);
        if (lagMs > threshold && !warned) {
            warned = true;
            log.warn("This task cannot pull its {} users every poll.interval.ms={}: a pass started {} ms late. Raise "
                    + "memoram.max.in.flight.requests (now {}) or tasks.max (more tasks share the users), or lengthen "
                    + "poll.interval.ms; the PassStartLagMs metric shows the delay. Logged once per task.",
                    userCount.getAsInt(), settings.pollInterval().toMillis(), lagMs, settings.maxInFlight());
        }
    }
}
