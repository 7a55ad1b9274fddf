package io.memoram.connect.source;

import io.memoram.connect.access.UserAccess;
import io.memoram.connect.client.model.BlobQuery;
import io.memoram.connect.client.CursorWalk;
import io.memoram.connect.client.MemoramAccessDeniedException;
import io.memoram.connect.client.MemoramAuthenticationException;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramException;
import io.memoram.connect.client.MemoramUnavailableException;
import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.MemoryBlobPage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step of one user's pass, run on a pipeline thread: the tag list or the next page of blobs,
 * decided (fingerprints), opened (decryption) and turned into records. Owns the user's stream for
 * its duration; the pipeline never runs two steps of one user at once, so pages stay in cursor
 * order.
 */
final class PullStep {
    private static final Logger log = LoggerFactory.getLogger(PullStep.class);
    /**
     * Heap a record costs beyond its content, title and summary (SourceRecord, value and key
     * Structs, headers, dates, tag lists, id): an estimate, from the heap the bench measured the
     * buffer to hold (PipelineBoundsBench). The strings its offset holds (whole-bucket manifests,
     * shared per bucket) are counted by {@link RecordBuffer}.
     */
    private static final long RECORD_OVERHEAD_BYTES = 900;

    /** The producer's default max.request.size: one record (with its batch overhead) must fit it. */
    static final long DEFAULT_MAX_REQUEST_SIZE = 1_048_576;
    static final String MAX_REQUEST_SIZE_OVERRIDE = "producer.override.max.request.size";

    private final MemoramClient client;
    private final BlobQuery query;
    private final Clock clock;
    private final long maxRecordBytes;

    PullStep(MemoramClient client, BlobQuery query, Clock clock, long maxRecordBytes) {
        this.client = client;
        this.query = query;
        this.clock = clock;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * Runs the user's next step. {@code walk} guards the user's pass against cursors that never end
     * the listing; like the stream, only the thread running the user's step touches it.
     */
    StepOutcome run(UserStream stream, CursorWalk walk, UserAccess access) {
        String userId = stream.userId();
        try {
            stream.keyVersion(access.newestKeyVersion());
            if (stream.needsTags()) {
                List<SourceRecord> records = stream.applyTags(client.listTags(userId), clock.instant());
                return StepOutcome.Records.midPass(records, estimate(records));
            }
            String cursor = stream.cursor();
            MemoryBlobPage page = client.listMemoryBlobs(userId, query, cursor);
            // Credentials fetched after this instant know every key that sealed this page.
            Instant readAt = clock.instant();
            String next = page.hasMore() ? page.nextCursor() : null;
            List<SourceRecord> records = new ArrayList<>(stream.applyBlobs(page.memoryBlobs(), next,
                    content -> access.open(content, readAt)));
            tooLarge(records, userId);
            String problem = walk.page(cursor, () -> page.memoryBlobs().stream().map(MemoryBlob::id).iterator(), next);
            if (problem != null) {
                // Following the server's cursors would list forever (and hold a call slot): end this pass.
                // It detects no deletions (the listing was not complete); the user waits poll.interval.ms.
                log.warn("User {}: GET /memory-blobs never ended the listing ({}, {} cursors); ending this pass here "
                        + "(no deletions detected) and starting over after poll.interval.ms", userId, problem, walk.cursors());
                stream.restartPass();
                walk.reset();
                return new StepOutcome.Records(records, estimate(records), true, false);
            }
            if (next == null) {
                records.addAll(stream.completeListing(clock.instant()));
                return new StepOutcome.Records(records, estimate(records), true, true);
            }
            return StepOutcome.Records.midPass(records, estimate(records));
        } catch (MemoramAccessDeniedException e) {
            return new StepOutcome.Denied(e.getMessage());
        } catch (MemoramAuthenticationException e) {
            return new StepOutcome.Fatal(new ConnectException("The Memoram API refused the API key (memoram.api.key): " + e.getMessage(), e));
        } catch (MemoramException e) {
            if (!e.isRetriable()) {
                // 400/404 and the like: the cursor may be what is wrong; the next try starts the pass over.
                stream.restartPass();
            }
            return new StepOutcome.Failed(e.call(), e.getMessage(), e instanceof MemoramUnavailableException u ? u.retryAfter() : null);
        } catch (ConnectException e) {
            return new StepOutcome.Fatal(e);
        } catch (RuntimeException e) {
            // Whatever one user's data does to us, the other users go on: this one backs off and starts over.
            log.error("User {}: unexpected failure while pulling; retrying that user after its backoff", userId, e);
            stream.restartPass();
            return new StepOutcome.Failed("pull of user " + userId, e.getClass().getSimpleName(), null);
        }
    }

    /**
     * Kafka's producer would refuse a record above max.request.size and fail the task without
     * saying which blob: fail first, naming it and the setting. Counts only the UTF-8 bytes of the
     * text fields, a lower bound of the serialized record, so it never refuses one that would fit.
     */
    private void tooLarge(List<SourceRecord> records, String userId) {
        for (SourceRecord r : records) {
            if (r.value() instanceof Struct v && v.schema().field("content") != null) {
                String content = v.getString("content");
                String title = v.getString("title");
                String summary = v.getString("summary");
                String source = v.getString("source");
                // A char is at most 3 UTF-8 bytes: far below the limit (every record of a normal page), nothing to count.
                if (3 * (length(content, title) + length(summary, source)) <= maxRecordBytes) {
                    continue;
                }
                long bytes = utf8(content) + utf8(title) + utf8(summary) + utf8(source);
                if (bytes > maxRecordBytes) {
                    throw new ConnectException("Memory blob " + v.getString("id") + " of user " + userId + " makes a record of at least "
                            + bytes + " bytes, more than the producer's max.request.size (" + maxRecordBytes + "). Raise it for this "
                            + "connector with " + MAX_REQUEST_SIZE_OVERRIDE + " (the worker must allow it: "
                            + "connector.client.config.override.policy=All) and the topic's max.message.bytes.");
                }
            }
        }
    }

    private static long length(String a, String b) {
        return (a == null ? 0L : a.length()) + (b == null ? 0L : b.length());
    }

    private static long utf8(String s) {
        if (s == null) {
            return 0;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    /** Heap estimate of records about to wait in the fetch buffer, without their offsets (see {@link RecordBuffer}). */
    static long estimate(List<SourceRecord> records) {
        long bytes = 0;
        for (SourceRecord r : records) {
            bytes += RECORD_OVERHEAD_BYTES;
            if (r.value() instanceof Struct v && v.schema().field("content") != null) {
                bytes += length(v.getString("content")) + length(v.getString("title")) + length(v.getString("summary"));
            }
        }
        return bytes;
    }

    private static long length(String s) {
        return s == null ? 0 : RecordBuffer.heapBytes(s);
    }
}
