package io.memoram.connect.client;

import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Walks every page of {@code GET /memory-blobs}, fetching a page only when the iterator reaches it
 * (the first one on the first {@link #hasNext()}). Empty pages with a cursor are skipped; a server
 * that hands back the cursor it was just given would loop forever, so that fails instead.
 */
final class BlobIterator implements Iterator<MemoryBlob> {
    private final MemoramClient client;
    private final String userId;
    private final BlobQuery query;
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
        if (p.hasMore() && Objects.equals(p.nextCursor(), cursor)) {
            last = true;
            throw new MemoramException(MemoramClient.CALL_LIST_BLOBS, 200, MemoramClient.CALL_LIST_BLOBS
                    + " returned the cursor it was asked for as next_cursor: stopping to avoid an endless listing", null);
        }
        page = p.memoryBlobs().iterator();
        if (p.hasMore()) {
            cursor = p.nextCursor();
        } else {
            last = true;
        }
    }
}
