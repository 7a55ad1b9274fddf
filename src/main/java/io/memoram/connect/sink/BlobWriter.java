package io.memoram.connect.sink;

import io.memoram.connect.access.UserAccess;
import io.memoram.connect.client.model.BlobQuery;
import io.memoram.connect.client.MemoramAccessDeniedException;
import io.memoram.connect.client.MemoramAuthenticationException;
import io.memoram.connect.client.MemoramBadRequestException;
import io.memoram.connect.client.MemoramCallWithheldException;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramException;
import io.memoram.connect.client.MemoramNotFoundException;
import io.memoram.connect.client.MemoramUnavailableException;
import io.memoram.connect.client.model.MemoryBlobPatch;
import io.memoram.connect.client.model.NewMemoryBlob;
import io.memoram.connect.client.RetryPolicy;
import io.memoram.connect.crypto.ContentCryptoException;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one {@link WriteOp} against the API (on a lane thread) and says how it ended.
 *
 * <p>Writes are sent once ({@link RetryPolicy#NONE} for creates, {@link RetryPolicy#CALLER_BACKS_OFF}
 * for patches and deletes): a POST whose response was lost (timeout, dropped connection, 5xx) may
 * have created the blob, so before trying again the user's index is listed anew and the retry
 * PATCHes the blob if it exists; and the lanes' own retries keep the key's order, free the lane's
 * thread while backing off, and bound every record (max retries, time budget). Listings retry
 * each page in the client ({@link RetryPolicy#STANDARD}).
 *
 * <p>Only a refusal of the write itself (400 or 422 on that write, after the refresh rule) is the
 * record's fault. Everything else is the infrastructure's: retried when it may pass, fatal when it
 * cannot (a redirect, a missing endpoint: the configured URL is wrong), never a rejected record.
 */
final class BlobWriter implements LaneScheduler.Executor {
    private static final Logger log = LoggerFactory.getLogger(BlobWriter.class);

    /** Page size asked for when listing a user's blobs to build the index (the server may cap it). */
    static final BlobQuery LISTING = BlobQuery.ofLimit(100);

    private final MemoramClient reads;
    private final MemoramClient creates;
    private final MemoramClient writes;
    private final UserDirectory users;
    private final BlobIndexes indexes;
    private final String sourceDefault;
    private final SinkTaskMetrics metrics;

    BlobWriter(MemoramClient client, UserDirectory users, BlobIndexes indexes, String sourceDefault, SinkTaskMetrics metrics) {
        this.reads = client.withRetry(RetryPolicy.STANDARD);
        this.creates = client.withRetry(RetryPolicy.NONE);
        this.writes = client.withRetry(RetryPolicy.CALLER_BACKS_OFF);
        this.users = users;
        this.indexes = indexes;
        this.sourceDefault = sourceDefault;
        this.metrics = metrics;
    }

    private interface Call<T> {
        T run(UserAccess access);
    }

    @Override
    public Outcome execute(WriteOp op) {
        try {
            switch (op.kind()) {
                case DELETE:
                    return delete(op);
                case PATCH_ID:
                    return patchById(op);
                case WRITE:
                    return write(op);
                default:
                    throw new IllegalStateException("unknown write " + op.kind());
            }
        } catch (MemoramAuthenticationException e) {
            return new Outcome.Fatal("the Memoram API refused the developer API key (memoram.api.key): " + e.getMessage(), e);
        } catch (MemoramAccessDeniedException e) {
            // A read (the listing) refused: reads need an approved request too, so access is gone.
            if (op.userId() != null) {
                users.revoked(op.userId());
            }
            return new Outcome.Rejected("user", "user '" + op.userId() + "' is not authorised: " + e.getMessage(), true);
        } catch (ContentCryptoException e) {
            return new Outcome.Rejected("content", "the content could not be encrypted for user '" + op.userId()
                    + "': " + e.getMessage());
        } catch (MemoramException e) {
            return infrastructure(op, e);
        } catch (Abandoned e) {
            return new Outcome.Retry(null, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Retry(null, "interrupted");
        }
    }

    /** A failure that is not the record's: retried when it may pass, fatal when only a change of configuration helps. */
    static Outcome infrastructure(WriteOp op, MemoramException e) {
        if (e instanceof MemoramUnavailableException u) {
            return new Outcome.Retry(u.retryAfter(), e.getMessage());
        }
        int status = e.status();
        // No response (TLS handshake, connection), a 5xx, or a 2xx whose body is not the API's JSON (a
        // maintenance page): a certificate gets renewed, a maintenance ends. The retry budget bounds it.
        if (status == 0 || status >= 500 || (status >= 200 && status < 300)) {
            return new Outcome.Retry(null, e.getMessage());
        }
        return new Outcome.Fatal("writing " + op.where() + " failed for a reason that is not the record's: "
                + e.getMessage() + " (check memoram.api.url: it must be the API's base URL, reached without redirects)", e);
    }

    private Outcome patchById(WriteOp op) throws InterruptedException {
        // The op is the write calls' send gate: the client asks it right before each request goes out.
        MemoramClient writes = this.writes.withGate(op);
        UserDirectory.Lookup found = users.find(op.userId());
        if (!(found instanceof UserDirectory.Lookup.Served served)) {
            return notServed(found);
        }
        UserAccess access = served.access();
        BlobFields f = op.fields();
        try {
            return guarded(op, access, a -> writes.patchMemoryBlob(f.blobId(), patch(a, f, f.source())), x -> updated());
        } catch (MemoramNotFoundException e) {
            return new Outcome.Rejected("id", "blob '" + f.blobId() + "' named by the record's id field does not exist "
                    + "for user '" + op.userId() + "'");
        }
    }

    private Outcome write(WriteOp op) throws InterruptedException {
        // The op is the write calls' send gate: the client asks it right before each request goes out.
        MemoramClient writes = this.writes.withGate(op);
        MemoramClient creates = this.creates.withGate(op);
        UserDirectory.Lookup found = users.find(op.userId());
        if (!(found instanceof UserDirectory.Lookup.Served served)) {
            return notServed(found);
        }
        UserAccess access = served.access();
        BlobFields f = op.fields();
        UserBlobIndex index = indexes.forUser(op.userId());
        String source = BlobMarker.markedSource(f.source() != null ? f.source() : sourceDefault, op.marker());
        String existing = index.lookup(op.marker(), () -> reads.iterateMemoryBlobs(op.userId(), LISTING));
        if (existing != null) {
            switch (op.mode()) {
                case INSERT:
                    metrics.alreadyWritten();
                    return new Outcome.Done(Outcome.Effect.ALREADY_WRITTEN);
                case UPSERT:
                    try {
                        return guarded(op, access, a -> writes.patchMemoryBlob(existing, patch(a, f, source)), x -> updated());
                    } catch (MemoramNotFoundException e) {
                        // Deleted behind our back: the key gets a new blob.
                        index.remove(op.marker());
                    }
                    break;
                default:
                    throw new IllegalStateException("unknown write mode " + op.mode());
            }
        }
        try {
            return guarded(op, access, a -> creates.createMemoryBlob(new NewMemoryBlob(op.userId(),
                    a.memoryKey().reveal(), a.seal(f.content()), f.title(), f.summary(), f.tags(), f.importance(),
                    f.confidence(), source)), created -> {
                        index.put(op.marker(), created.id());
                        metrics.created();
                        return new Outcome.Done(Outcome.Effect.CREATED);
                    });
        } catch (MemoramException e) {
            if (e.status() != 429 && e.status() != 400 && e.status() != 422) {
                // The blob may exist now: list again before the retry, which then PATCHes it instead.
                index.invalidate();
            }
            throw e;
        }
    }

    /** A user the directory does not serve: the record is refused, or waits (a wait that is not a failure uses up no retries). */
    private static Outcome notServed(UserDirectory.Lookup found) {
        if (found instanceof UserDirectory.Lookup.Refused refused) {
            return new Outcome.Rejected("user", refused.reason(), true);
        }
        UserDirectory.Wait wait = (UserDirectory.Wait) found;
        return new Outcome.Retry(wait.retryAfter(), wait.reason(), wait.counted());
    }

    private Outcome updated() {
        metrics.updated();
        return new Outcome.Done(Outcome.Effect.UPDATED);
    }

    private static MemoryBlobPatch patch(UserAccess a, BlobFields f, String source) {
        return new MemoryBlobPatch(a.userId(), a.memoryKey().reveal(), a.seal(f.content()), f.title(), f.summary(),
                f.tags(), f.importance(), f.confidence(), source);
    }

    private Outcome delete(WriteOp op) throws InterruptedException {
        // A tombstone naming no user is looked for in every user's blobs: only once every user the task
        // may serve is known (usersForDelete throws until then), so "nothing to delete" is never
        // concluded from a partial set, e.g. right after a restart or while access checks fail.
        MemoramClient writes = this.writes.withGate(op);
        boolean anyUser = op.userId() == null;
        UserDirectory.Targets known = anyUser ? users.usersForDelete() : new UserDirectory.Targets.All(List.of(op.userId()));
        if (known instanceof UserDirectory.Wait wait) {
            return new Outcome.Retry(wait.retryAfter(), wait.reason(), wait.counted());
        }
        List<String> targets = ((UserDirectory.Targets.All) known).userIds();
        boolean deleted = false;
        for (String userId : targets) {
            UserDirectory.Lookup found = users.find(userId);
            if (found instanceof UserDirectory.Lookup.Refused && anyUser) {
                // Served a moment ago, withdrawn since: the set of users changed, look again.
                return new Outcome.Retry(null, "the users of this task changed while deleting " + op.where(), false);
            }
            if (!(found instanceof UserDirectory.Lookup.Served served)) {
                return notServed(found);
            }
            UserAccess access = served.access();
            UserBlobIndex index = indexes.forUser(userId);
            String blobId = index.lookup(op.marker(), () -> reads.iterateMemoryBlobs(userId, LISTING));
            if (blobId == null) {
                continue;
            }
            boolean[] gone = {false};
            Outcome refused = guarded(op, access, a -> gone[0] = writes.deleteMemoryBlob(userId, blobId), x -> null);
            if (refused != null) {
                return refused;
            }
            index.remove(op.marker());
            deleted |= gone[0]; // false: a 404, someone else deleted it first
        }
        if (deleted) {
            metrics.deleted();
            return new Outcome.Done(Outcome.Effect.DELETED);
        }
        return new Outcome.Done(Outcome.Effect.NOTHING_TO_DELETE);
    }

    /**
     * Runs {@code call} and hands its result to {@code then}. When the API refuses the write (400,
     * 422 or 403) it fetches the user's credentials again and, if the key changed, runs it once more
     * with the new key (docs/sink.md). A refresh that is itself refused means the user's access is gone.
     */
    private <T> Outcome guarded(WriteOp op, UserAccess access, Call<T> call, Function<T, Outcome> then) {
        try {
            return then.apply(send(op, access, call));
        } catch (MemoramException first) {
            if (!isRefusal(first)) {
                throw first;
            }
            boolean keyChanged;
            try {
                keyChanged = access.refresh();
            } catch (MemoramAccessDeniedException | MemoramNotFoundException gone) {
                users.revoked(access.userId());
                return new Outcome.Rejected("user", "user '" + access.userId() + "' is not authorised: "
                        + "the access request of this connector for that user is no longer approved", true);
            }
            if (keyChanged) {
                log.info("User {} has a new key version {}; retrying {} once with it", access.userId(),
                        access.newestKeyVersion(), op.where());
                try {
                    return then.apply(send(op, access, call));
                } catch (MemoramException second) {
                    if (!isRefusal(second)) {
                        throw second;
                    }
                    return refused(op, access, second);
                }
            }
            return refused(op, access, first);
        }
    }

    /**
     * One write call of {@code op}, made through a client gated by the op: an op abandoned by
     * close(partitions) sends nothing more, even a call that was waiting for a permit or a token.
     */
    private static <T> T send(WriteOp op, UserAccess access, Call<T> call) {
        if (op.abandoned()) {
            throw new Abandoned(); // not even sealed: nothing of it will be sent
        }
        try {
            return call.run(access);
        } catch (MemoramCallWithheldException e) {
            throw new Abandoned();
        }
    }

    /** The op's partition was closed before this call was sent. */
    private static final class Abandoned extends RuntimeException {
        Abandoned() {
            super("abandoned: the partition was closed", null, false, false);
        }
    }

    private static boolean isRefusal(MemoramException e) {
        return e instanceof MemoramAccessDeniedException
                || (e instanceof MemoramBadRequestException && (e.status() == 400 || e.status() == 422));
    }

    private Outcome refused(WriteOp op, UserAccess access, MemoramException e) {
        if (e instanceof MemoramAccessDeniedException) {
            // The refresh just showed the request approved: this write alone was refused, the user's
            // other records are not affected and the user stays known.
            if (op.kind() == WriteOp.Kind.PATCH_ID) {
                return new Outcome.Rejected("id", "user '" + access.userId() + "' may not write blob '"
                        + op.fields().blobId() + "' named by the record's id field: " + e.getMessage());
            }
            return new Outcome.Retry(null, e.getMessage() + " (although the access request is approved)");
        }
        return new Outcome.Rejected(null, "the Memoram API refused the blob with " + e.status() + ": " + e.getMessage());
    }
}
