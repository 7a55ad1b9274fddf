package io.memoram.connect.sink;

import io.memoram.connect.config.MemoramSinkConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where rejected records go: to the errant record reporter (the dead letter queue), confirmed once
 * the report is acknowledged, or, without one, into the task's failure. Lanes hand rejections over
 * with {@link #fromLane}; everything else runs on the task thread, since the reporter must be
 * called there.
 */
final class Rejections {
    private static final Logger log = LoggerFactory.getLogger(Rejections.class);

    private record Queued(SinkRecord record, Position at, Outcome.Rejected why) { }

    private record Pending(Position at, Future<Void> future) { }

    private final MemoramSinkConfig config;
    private final ErrantRecordReporter reporter;
    private final OffsetTracker tracker;
    private final SinkTaskMetrics metrics;
    private final Consumer<ConnectException> fail;
    private final Queue<Queued> fromLanes = new ConcurrentLinkedQueue<>();
    private final List<Pending> pending = new ArrayList<>();

    /** @param reporter null when records must fail the task (errors.tolerance=none, or no reporter) */
    Rejections(MemoramSinkConfig config, ErrantRecordReporter reporter, OffsetTracker tracker, SinkTaskMetrics metrics,
               Consumer<ConnectException> fail) {
        this.config = config;
        this.reporter = reporter;
        this.tracker = tracker;
        this.metrics = metrics;
        this.fail = fail;
    }

    /** Any thread: a lane found {@code record} rejected; handled at the next {@link #drain}. */
    void fromLane(SinkRecord record, Position at, Outcome.Rejected why) {
        fromLanes.add(new Queued(record, at, why));
    }

    /** Reports (or fails on) rejections found by the lanes. */
    void drain(boolean mayThrow) {
        Queued q;
        while ((q = fromLanes.poll()) != null) {
            reject(q.record(), q.at(), q.why(), mayThrow);
        }
    }

    /** Reports {@code record}, or fails the task (and throws when {@code mayThrow}) when it may not be reported. */
    void reject(SinkRecord record, Position at, Outcome.Rejected why, boolean mayThrow) {
        String field = "user".equals(why.field())
                ? (config.userId() != null ? MemoramSinkConfig.USER_ID_CONFIG : config.userIdField())
                : why.field();
        boolean failOnAccess = why.accessDenied() && config.failOnAccessRevoked();
        if (reporter != null && !failOnAccess) {
            log.warn("Record {} sent to the errant record reporter: {}", at, why.reason());
            pending.add(new Pending(at, reporter.report(record, new InvalidRecordException(field, why.reason()))));
            metrics.reported();
            return;
        }
        ConnectException e = new ConnectException("Record of " + at.describe() + " cannot be written to Memoram"
                + (field == null ? "" : " (field '" + field + "')") + ": " + why.reason()
                + (failOnAccess
                        ? " (behavior.on.access.revoked=fail)."
                        : ". To route such records to a dead letter queue instead, set errors.tolerance=all and "
                        + "errors.deadletterqueue.topic.name."));
        fail.accept(e);
        if (mayThrow) {
            throw e;
        }
    }

    /** Confirms records whose report reached the dead letter queue. */
    void checkReports() {
        Iterator<Pending> it = pending.iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (!p.future().isDone()) {
                continue;
            }
            it.remove();
            try {
                p.future().get();
                tracker.confirm(p.at().partition(), p.at().offset());
            } catch (ExecutionException e) {
                fail.accept(new ConnectException("Could not report the record at " + p.at().describe()
                        + " to the dead letter queue", e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (CancellationException e) {
                // Cancelled with its partition's close: redelivered to the next owner.
            }
        }
    }

    /** Forgets reports of closed partitions: their records are redelivered to the next owner. */
    void closed(Collection<TopicPartition> partitions) {
        pending.removeIf(p -> partitions.contains(p.at().partition()));
        fromLanes.removeIf(q -> partitions.contains(q.at().partition()));
    }
}
