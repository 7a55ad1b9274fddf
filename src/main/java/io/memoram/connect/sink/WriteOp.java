package io.memoram.connect.sink;

import io.memoram.connect.client.SendGate;
import io.memoram.connect.config.MemoramSinkConfig.WriteMode;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One API write a record turned into. Ops of the same {@link #laneKey()} run one after another in
 * the order they were put; ops of different lanes run in parallel. Identity semantics on purpose.
 */
final class WriteOp implements SendGate {

    /** The operation; what a {@link #WRITE} does to an existing blob of its marker is the op's {@link #mode()}. */
    enum Kind {
        /** Create the blob of {@code marker}; one that exists already is treated as {@link #mode()} says. */
        WRITE,
        /** PATCH the blob named by the record's id field. */
        PATCH_ID,
        /** Delete the blob of {@code marker} (a tombstone); a missing blob counts as deleted. */
        DELETE
    }

    private final SinkRecord record;
    private final Position at;
    private final Kind kind;
    private final WriteMode mode;
    private final String userId;
    private final String marker;
    private final String laneKey;
    private final BlobFields fields;
    private final long bytes;
    // The send gate, guarded by this: close(partitions) abandons an op, and an abandoned op sends no
    // further write request, so the partition's next owner never races a late POST of this task. The
    // client asks it right before each request goes on the network (after its rate limit and token
    // renewal), so "sending" means on the wire, and a write called off while waiting there is never sent.
    private boolean abandoned;
    private boolean sending;

    WriteOp(SinkRecord record, Position at, Kind kind, WriteMode mode, String userId, String marker, String laneKey,
            BlobFields fields) {
        this.record = record;
        this.at = at;
        this.kind = kind;
        this.mode = mode;
        this.userId = userId;
        this.marker = marker;
        this.laneKey = laneKey;
        this.fields = fields;
        this.bytes = 256 + (fields == null ? 0 : fields.bytes());
    }

    /** The record, for the errant record reporter. */
    SinkRecord record() { return record; }
    Position at() { return at; }
    TopicPartition partition() { return at.partition(); }
    long offset() { return at.offset(); }
    Kind kind() { return kind; }
    /**
     * For a {@link Kind#WRITE}: UPSERT patches an existing blob of the marker, INSERT leaves it (written
     * already). A record with a null key is an INSERT in every mode: no key identifies its blob.
     */
    WriteMode mode() { return mode; }
    /** Target user; null only for a tombstone whose user is unknown (then every user's blob of the marker goes). */
    String userId() { return userId; }
    String marker() { return marker; }
    String laneKey() { return laneKey; }
    BlobFields fields() { return fields; }

    /** Heap this op holds while buffered, roughly: what the buffer's byte bound counts. */
    long bytes() {
        return bytes;
    }

    /** Called right before a write request goes on the network; false when the op was abandoned: it must not be sent. */
    @Override
    public synchronized boolean enter() {
        if (abandoned) {
            return false;
        }
        sending = true;
        return true;
    }

    /** The write request that {@link #enter()} let through has ended (answered or failed). */
    @Override
    public synchronized void leave() {
        sending = false;
        notifyAll();
    }

    /** Whether {@link #abandon(long)} was called: the op's partition is no longer this task's. */
    synchronized boolean abandoned() {
        return abandoned;
    }

    /**
     * No write request of this op goes out after this; waits until one on the network has ended, at most
     * until {@code deadlineNanos} ({@link System#nanoTime()}). True when no request of this op is in the network.
     */
    synchronized boolean abandon(long deadlineNanos) throws InterruptedException {
        abandoned = true;
        while (sending) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** "topic-partition@offset", for messages (never content). */
    String where() {
        return at.toString();
    }

    @Override
    public String toString() {
        return "WriteOp[" + kind + (kind == Kind.WRITE ? "/" + mode : "") + " " + where() + ", user=" + userId + ", marker=" + marker + "]";
    }
}
