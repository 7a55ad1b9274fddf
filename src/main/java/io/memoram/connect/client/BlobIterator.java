package io.memoram.connect.client;

import io.memoram.connect.client.model.BlobQuery;
import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.MemoryBlobPage;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks every page of {@code GET /memory-blobs}, fetching a page only when the iterator reaches it
 * (the first one on the first {@link #hasNext()}). Empty pages with a cursor are skipped. A server
 * whose cursors never end the listing (a cycle, endless fresh cursors: see {@link CursorWalk})
 * would keep the caller (the sink's index of a user, and every lane waiting for it) forever, so
 * the walk ends with a WARN and a {@link MemoramException} instead.
 */
final class BlobIterator implements Iterator<MemoryBlob> {
    private static final Logger log = LoggerFactory.getLogger(BlobIterator.class);

    private final MemoramClient client;
    private final String userId;
    private final BlobQuery query;
    private final CursorWalk walk = new CursorWalk();
    private Iterator<MemoryBlob> page = Collections.emptyIterator();
    private String cursor;
    private boolean last;

    BlobIterator(MemoramClient client, String userId, BlobQuery query) {
        this.client = client;
        this.userId = userId;
        this.query = query;
    }

    @Override
    public boolean hasNext() {
        while (!page.hasNext()) {
            if (last) {
                return false;
            }
            fetch();
        }
        return true;
    }

    @Override
    public MemoryBlob next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return page.next();
    }

    private void fetch() {
        MemoryBlobPage p = client.listMemoryBlobs(userId, query, cursor);
        String next = p.hasMore() ? p.nextCursor() : null;
        String problem = walk.page(cursor, () -> p.memoryBlobs().stream().map(MemoryBlob::id).iterator(), next);
        if (problem != null) {
            last = true;
            log.warn("User {}: listing its memory blobs ended after {} cursors: {}; the listing fails (what needed it "
                    + "is retried later)", userId, walk.cursors(), problem);
            throw new MemoramException(ApiCall.LIST_BLOBS.toString(), 200, ApiCall.LIST_BLOBS.toString()
                    + " never ended the listing (" + problem + ", " + walk.cursors() + " cursors): stopping it", null);
        }
        page = p.memoryBlobs().iterator();
        if (next != null) {
            cursor = next;
        } else {
            last = true;
        }
    }
}
