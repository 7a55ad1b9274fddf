package io.memoram.connect.source;

import io.memoram.connect.source.offsets.SignalState;
import io.memoram.connect.source.signal.Signal;
import io.memoram.connect.source.signal.SignalChannel;
import io.memoram.connect.source.signal.SignalMXBean;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the signals a source task receives (signal topic and JMX; docs/source.md, "Signals") for
 * the task's own users, through {@link PullPipeline#scheduleNow}: so a signal changes a user's
 * stream only while no step of it runs, and its notification goes out in order with the user's
 * records. Whether a user already had a signal is decided there too, from the user's
 * {@link SignalState} (kept in offsets): a signal read again after a restart, or sent twice, runs
 * once. Logs name signals by id only: a signal is operator input.
 */
final class TaskSignals implements SignalChannel.Handler, SignalMXBean {
    private static final Logger log = LoggerFactory.getLogger(TaskSignals.class);

    private final PullPipeline pipeline;
    private final Clock clock;
    /** The signal topic's end when this task started reading: users with no position act on signals from there. */
    private volatile long endAtStart = Long.MAX_VALUE;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    TaskSignals(PullPipeline pipeline, Clock clock) {
        this.pipeline = pipeline;
        this.clock = clock;
    }

    /** Where the signal topic must be read from for these users: the lowest position kept, or -1 (the end). */
    static long readFrom(List<UserSlot> slots) {
        long from = Long.MAX_VALUE;
        for (UserSlot s : slots) {
            if (s.stream.signals().pos >= 0) {
                from = Math.min(from, s.stream.signals().pos);
            }
        }
        return from == Long.MAX_VALUE ? -1 : from;
    }

    @Override
    public void started(long end) {
        endAtStart = end;
    }

    @Override
    public void signal(Signal signal) {
        accepted.incrementAndGet();
        int users = run(signal);
        log.info("Signal {} ({}) concerns {} users of this task", signal.id(), signal.type().wire(), users);
    }

    @Override
    public void malformed(long position, Signal.Malformed e) {
        rejected.incrementAndGet();
        log.warn("Skipping malformed signal {} at offset {} of the signal topic: {}",
                e.signalId() == null ? "(no id)" : e.signalId(), position, e.getMessage());
    }

    @Override
    public String signal(String json) {
        Signal s;
        try {
            s = Signal.parse(json, -1);
        } catch (Signal.Malformed e) {
            rejected.incrementAndGet();
            log.warn("Skipping malformed signal {} sent through JMX: {}", e.signalId() == null ? "(no id)" : e.signalId(), e.getMessage());
            return "rejected: " + e.getMessage();
        }
        accepted.incrementAndGet();
        int users = run(s);
        log.info("Signal {} ({}) sent through JMX concerns {} users of this task", s.id(), s.type().wire(), users);
        return "accepted: " + users + " users of this task";
    }

    @Override
    public long getSignalsAccepted() {
        return accepted.get();
    }

    @Override
    public long getSignalsRejected() {
        return rejected.get();
    }

    /** Schedules the signal for each of its users this task has; returns how many. */
    private int run(Signal signal) {
        List<String> users = signal.allUsers() ? pipeline.userIds() : signal.users();
        int n = 0;
        for (String userId : users) {
            if (pipeline.scheduleNow(userId, slot -> apply(slot, signal))) {
                n++;
            }
        }
        return n;
    }

    /** Runs the signal for one user (pipeline lock held, no step of the user running). */
    private List<SourceRecord> apply(UserSlot slot, Signal signal) {
        SignalState state = slot.stream.signals();
        if (signal.position() >= 0 && signal.position() < (state.pos >= 0 ? state.pos : endAtStart)) {
            return List.of(); // read again after a restart: applied before (or sent before this user had signals)
        }
        if (state.handled(signal.id())) {
            log.info("Signal {} was applied to user {} before; not again", signal.id(), slot.userId());
            state.applied(signal.id(), signal.position());
            return List.of();
        }
        switch (signal.type()) {
            case RESTREAM -> {
                log.info("User {}: re-stream {} starts", slot.userId(), signal.id());
                slot.walk.reset();
                return slot.stream.startRestream(signal.id(), signal.position(), clock.instant());
            }
            case PAUSE -> {
                state.applied(signal.id(), signal.position());
                state.paused = true;
                slot.paused = true;
                log.info("User {}: paused by signal {}", slot.userId(), signal.id());
                return List.of(slot.stream.notification(Notifications.PAUSED, signal.id(), null, null, clock.instant()));
            }
            case RESUME -> {
                state.applied(signal.id(), signal.position());
                state.paused = false;
                slot.paused = false;
                log.info("User {}: resumed by signal {}", slot.userId(), signal.id());
                return List.of(slot.stream.notification(Notifications.RESUMED, signal.id(), null, null, clock.instant()));
            }
            default -> throw new IllegalStateException("unknown signal type " + signal.type());
        }
    }
}
