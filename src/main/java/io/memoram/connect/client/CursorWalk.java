package io.memoram.connect.client;

import java.util.Arrays;

/**
 * Guards one walk through the pages of {@code GET /memory-blobs} against a server whose cursors
 * never end it: shared by the source's passes and the sink's listings ({@link BlobIterator}), so
 * both stop the same way. The listing has no {@code total} to bound a walk by, so three rules do:
 *
 * <ul>
 *   <li>a {@code next_cursor} this walk already followed (A &rarr; B &rarr; A, or a page naming its
 *       own cursor) is a cycle: following it would list the same pages forever;</li>
 *   <li>{@value #MAX_STALE_PAGES} pages in a row that bring no blob id new to the walk (endless
 *       fresh cursors over the same or no blobs) end it; a server may return fewer items than asked,
 *       even none, on some pages, so the bound is generous;</li>
 *   <li>{@value #MAX_PAGES} pages end any walk (10 million blobs at 10 per page): a server handing
 *       out fresh ids forever.</li>
 * </ul>
 *
 * <p>Cursors and ids are remembered as 64-bit hashes in open-addressing tables (about 16 bytes
 * each), not as strings, so a walk over a large user costs little beside what its caller keeps; a
 * hash collision could only end a walk of billions of pages early. Not thread-safe: one walk, one
 * thread at a time.
 */
public final class CursorWalk {
    /** Pages in a row that bring no id new to the walk before it ends. */
    public static final int MAX_STALE_PAGES = 1_000;
    /** Pages any walk may take. */
    public static final int MAX_PAGES = 1_000_000;

    private final LongSet cursors = new LongSet();
    private final LongSet ids = new LongSet();
    /** The cursor the next page is fetched with (null: the first page). */
    private String current;
    private int pages;
    private int stalePages;

    /** Starts over at the first page. */
    public void reset() {
        cursors.clear();
        ids.clear();
        current = null;
        pages = 0;
        stalePages = 0;
    }

    /** Cursors followed so far in this walk (for the warning that ends it). */
    public int cursors() {
        return cursors.size();
    }

    /**
     * The page fetched with {@code cursor} (null: the first page, which starts a new walk) listed
     * {@code pageIds} and points on to {@code next} (null or empty: the listing is complete).
     * Call it once per page the caller took in, after it did.
     *
     * @return null to follow {@code next} (or when the listing is complete); otherwise why the walk
     *         must end here, to be logged by the caller with what it does instead
     */
    public String page(String cursor, Iterable<String> pageIds, String next) {
        if (cursor == null || !cursor.equals(current)) {
            // A new walk (or the caller started over without telling): this page is its first.
            reset();
            if (cursor != null) {
                cursors.add(hash(cursor));
            }
        }
        pages++;
        boolean fresh = false;
        for (String id : pageIds) {
            if (id != null && ids.add(hash(id))) {
                fresh = true;
            }
        }
        stalePages = fresh ? 0 : stalePages + 1;
        if (next == null || next.isEmpty()) {
            current = null;
            return null;
        }
        if (!cursors.add(hash(next))) {
            return "next_cursor repeats a cursor this listing already followed (a cycle)";
        }
        current = next;
        if (stalePages >= MAX_STALE_PAGES) {
            return stalePages + " pages in a row listed no blob new to this listing";
        }
        if (pages >= MAX_PAGES) {
            return "the listing went past " + MAX_PAGES + " pages";
        }
        return null;
    }

    /** 64-bit FNV-1a over the chars, then a murmur finalizer to spread the bits for the table. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** A set of longs (linear probing; 0 is stored apart since it marks a free slot). */
    private static final class LongSet {
        private long[] slots = new long[16];
        private int size;
        private boolean hasZero;

        boolean add(long v) {
            if (v == 0) {
                if (hasZero) {
                    return false;
                }
                hasZero = true;
                size++;
                return true;
            }
            if (2 * (size + 1) > slots.length) {
                grow();
            }
            int mask = slots.length - 1;
            int i = (int) v & mask;
            while (slots[i] != 0) {
                if (slots[i] == v) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            slots[i] = v;
            size++;
            return true;
        }

        int size() {
            return size;
        }

        void clear() {
            if (slots.length > 16) {
                slots = new long[16];
            } else {
                Arrays.fill(slots, 0);
            }
            size = 0;
            hasZero = false;
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            int mask = slots.length - 1;
            for (long v : old) {
                if (v != 0) {
                    int i = (int) v & mask;
                    while (slots[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    slots[i] = v;
                }
            }
        }
    }
}
