package io.memoram.connect.sink;

import io.memoram.connect.access.UserAccess;
import io.memoram.connect.client.BlobQuery;
import io.memoram.connect.client.MemoramAccessDeniedException;
import io.memoram.connect.client.MemoramAuthenticationException;
import io.memoram.connect.client.MemoramBadRequestException;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramException;
import io.memoram.connect.client.MemoramNotFoundException;
import io.memoram.connect.client.MemoramUnavailableException;
import io.memoram.connect.client.MemoryBlob;
import io.memoram.connect.client.MemoryBlobPatch;
import io.memoram.connect.client.NewMemoryBlob;
import io.memoram.connect.crypto.ContentCryptoException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one {@link WriteOp} against the API (on a lane thread) and classifies the result.
 *
 * <p>Creates go through {@code createClient}, which must not retry by itself: a POST whose response
 * was lost (timeout, dropped connection, 5xx) may have created the blob, so before trying again
 * the user's index is listed anew and the retry PATCHes the blob if it exists. Every other call is
 * idempotent and goes through {@code client}, which retries 429/5xx/I/O itself.
 */
public final class BlobWriter implements LaneScheduler.Executor {
    private static final Logger log = LoggerFactory.getLogger(BlobWriter.class);

    /** Page size asked for when listing a user's blobs to build the index (the server may cap it). */
    static final BlobQuery LISTING = BlobQuery.ofLimit(100);

    private final MemoramClient client;
    private final MemoramClient createClient;
    private final UserDirectory users;
    private final BlobIndexes indexes;
    private final String sourceDefault;
    private final SinkTaskMetrics metrics;

    public BlobWriter(MemoramClient client, MemoramClient createClient, UserDirectory users, BlobIndexes indexes,
                      String sourceDefault, SinkTaskMetrics metrics) {
        this.client = client;
        this.createClient = createClient;
        this.users = users;
        this.indexes = indexes;
        this.sourceDefault = sourceDefault;
        this.metrics = metrics;
    }

    /** A refusal that survived the refresh-and-retry-once rule. */
    private static final class Refused extends RuntimeException {
        final Outcome outcome;

        Refused(Outcome outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }
    }

    private interface Call<T> {
        T run(UserAccess access);
    }

    @Override
    public Outcome execute(WriteOp op) {
        try {
            return op.kind() == WriteOp.Kind.DELETE ? delete(op) : write(op);
        } catch (Refused r) {
            return r.outcome;
        } catch (UserDirectory.UserNotAuthorizedException e) {
            return new Outcome.Rejected("user", e.getMessage(), true);
        } catch (MemoramUnavailableException e) {
            return new Outcome.Retry(e.retryAfter(), e.getMessage());
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
            return new Outcome.Rejected(null, "the Memoram API refused the write: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Retry(null, "interrupted");
        }
    }

    private Outcome write(WriteOp op) throws InterruptedException {
        UserAccess access = users.require(op.userId());
        BlobFields f = op.fields();
        if (op.kind() == WriteOp.Kind.PATCH_ID) {
            try {
                refusalAware(op, access, a -> client.patchMemoryBlob(f.blobId(), patch(a, f, f.source())));
            } catch (MemoramNotFoundException e) {
                return new Outcome.Rejected("id", "blob '" + f.blobId() + "' named by the record's id field does not exist "
                        + "for user '" + op.userId() + "'");
            }
            metrics.updated();
            return new Outcome.Done(Outcome.Effect.UPDATED);
        }
        UserBlobIndex index = indexes.forUser(op.userId());
        String source = BlobMarker.markedSource(f.source() != null ? f.source() : sourceDefault, op.marker());
        String existing = index.lookup(op.marker(), () -> client.iterateMemoryBlobs(op.userId(), LISTING));
        if (existing != null) {
            if (op.kind() == WriteOp.Kind.INSERT) {
                metrics.alreadyWritten();
                return new Outcome.Done(Outcome.Effect.ALREADY_WRITTEN);
            }
            try {
                refusalAware(op, access, a -> client.patchMemoryBlob(existing, patch(a, f, source)));
                metrics.updated();
                return new Outcome.Done(Outcome.Effect.UPDATED);
            } catch (MemoramNotFoundException e) {
                // Deleted behind our back: the key gets a new blob.
                index.remove(op.marker());
            }
        }
        MemoryBlob created;
        try {
            created = refusalAware(op, access, a -> createClient.createMemoryBlob(new NewMemoryBlob(op.userId(),
                    a.memoryKey().reveal(), a.seal(f.content()), f.title(), f.summary(), f.tags(), f.importance(),
                    f.confidence(), source)));
        } catch (MemoramUnavailableException e) {
            if (e.status() != 429) {
                // The blob may exist now: list again before the retry, which then PATCHes it instead.
                index.invalidate();
            }
            throw e;
        }
        index.put(op.marker(), created.id());
        metrics.created();
        return new Outcome.Done(Outcome.Effect.CREATED);
    }

    private static MemoryBlobPatch patch(UserAccess a, BlobFields f, String source) {
        return new MemoryBlobPatch(a.userId(), a.memoryKey().reveal(), a.seal(f.content()), f.title(), f.summary(),
                f.tags(), f.importance(), f.confidence(), source);
    }

    private Outcome delete(WriteOp op) throws InterruptedException {
        List<String> targets = op.userId() != null ? List.of(op.userId()) : users.knownUserIds();
        boolean deleted = false;
        for (String userId : targets) {
            UserAccess access = users.require(userId);
            UserBlobIndex index = indexes.forUser(userId);
            String blobId = index.lookup(op.marker(), () -> client.iterateMemoryBlobs(userId, LISTING));
            if (blobId == null) {
                continue;
            }
            refusalAware(op, access, a -> client.deleteMemoryBlob(userId, blobId));
            index.remove(op.marker());
            deleted = true;
        }
        if (deleted) {
            metrics.deleted();
            return new Outcome.Done(Outcome.Effect.DELETED);
        }
        return new Outcome.Done(Outcome.Effect.NOTHING_TO_DELETE);
    }

    /**
     * Runs {@code call}; when the API refuses it (400/403) fetches the user's credentials again and,
     * if the key changed, runs it once more with the new key (docs/memoram-api.md, "Key rotation"). A 403
     * that stands means the user's access is gone.
     */
    private <T> T refusalAware(WriteOp op, UserAccess access, Call<T> call) {
        try {
            return call.run(access);
        } catch (MemoramBadRequestException | MemoramAccessDeniedException first) {
            boolean keyChanged;
            try {
                keyChanged = access.refresh();
            } catch (MemoramAccessDeniedException | MemoramNotFoundException gone) {
                users.revoked(access.userId());
                throw new Refused(new Outcome.Rejected("user", "user '" + access.userId() + "' is not authorised: "
                        + "the access request of this connector for that user is no longer approved", true));
            }
            if (keyChanged) {
                log.info("User {} has a new key version {}; retrying {} once with it", access.userId(),
                        access.newestKeyVersion(), op.where());
                try {
                    return call.run(access);
                } catch (MemoramBadRequestException | MemoramAccessDeniedException second) {
                    throw refusal(op, access, second);
                }
            }
            throw refusal(op, access, first);
        }
    }

    private Refused refusal(WriteOp op, UserAccess access, MemoramException e) {
        if (e instanceof MemoramAccessDeniedException) {
            users.revoked(access.userId());
            return new Refused(new Outcome.Rejected("user", "user '" + access.userId() + "' is not authorised: the "
                    + "Memoram API refused the write with " + e.status() + ": " + e.getMessage(), true));
        }
        return new Refused(new Outcome.Rejected(null, "the Memoram API refused the blob with " + e.status() + ": "
                + e.getMessage()));
    }
}
