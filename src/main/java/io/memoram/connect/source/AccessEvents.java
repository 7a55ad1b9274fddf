package io.memoram.connect.source;

import io.memoram.connect.access.AccessRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Turns what the access registry reports into what the source does about it: status records for
 * the access topic, users put on or taken off the schedule, and the task failure that
 * {@code behavior.on.access.revoked=fail} asks for. Apart from the pipeline because it is the
 * source's policy for access (docs/access-flow.md), not fetch scheduling. Not thread-safe: called
 * with the pipeline's lock held.
 */
final class AccessEvents {
    private final PipelineSettings settings;
    private final Clock clock;
    private final SourceTaskMetrics metrics;
    private final Map<String, UserSlot> users;
    /** Access request id -> the partition its statuses are recorded in. */
    private final Map<String, Map<String, String>> accessPartitions;
    private final RecordBuffer buffer;
    private final UserSchedule schedule;

    AccessEvents(PipelineSettings settings, Clock clock, SourceTaskMetrics metrics, Map<String, UserSlot> users,
                 Map<String, Map<String, String>> accessPartitions, RecordBuffer buffer, UserSchedule schedule) {
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.users = users;
        this.accessPartitions = accessPartitions;
        this.buffer = buffer;
        this.schedule = schedule;
    }

    /** A user joins the task after start (its task's share found it): its slot, offsets loaded. */
    void admit(UserSlot slot) {
        users.putIfAbsent(slot.userId(), slot);
    }

    /** Where the statuses of a request that joins after start are recorded. */
    void track(String requestId, Map<String, String> partition) {
        accessPartitions.put(requestId, partition);
    }

    /**
     * Applies one event.
     *
     * @return the error that must fail the task, or null
     */
    ConnectException apply(AccessRegistry.Event event) {
        // Java 17 has no pattern switch; the event types are sealed, so this chain is complete.
        if (event instanceof AccessRegistry.Event.StatusChanged c) {
            buffer.add(List.of(SourceRecords.access(settings.accessTopic(), accessPartitions.get(c.requestId()), c.requestId(),
                    c.status().wire(), c.userId(), clock.instant())), 300);
            metrics.access.incrementAndGet();
        } else if (event instanceof AccessRegistry.Event.Refused r) {
            if (settings.failOnAccessRevoked()) {
                return new ConnectException("Access request " + r.requestId() + " (user " + r.userId() + ") is " + r.status().wire()
                        + " and behavior.on.access.revoked=fail. Remove it from the connector, or set "
                        + "behavior.on.access.revoked=skip to keep serving the other users.");
            }
        } else if (event instanceof AccessRegistry.Event.Granted g) {
            UserSlot slot = users.get(g.access().userId());
            if (slot != null) {
                slot.access = g.access();
                slot.backoff.onSuccess();
                if (!slot.running) {
                    schedule.enqueue(slot, clock.millis());
                }
            }
        } else if (event instanceof AccessRegistry.Event.Withdrawn w) {
            UserSlot slot = users.get(w.userId());
            if (slot != null) {
                slot.access = null;
                if (!slot.running) {
                    schedule.dequeue(slot);
                    slot.stream.restartPass();
                }
            }
        } else if (event instanceof AccessRegistry.Event.CallFailed || event instanceof AccessRegistry.Event.Unusable) {
            metrics.failedCalls.incrementAndGet();
        }
        return null;
    }
}
