package io.memoram.connect.sink;

import io.memoram.connect.client.model.MemoryBlob;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One user's map from idempotency marker to blob id, built from one listing of the user's blobs the
 * first time it is needed and kept up to date with the task's own writes.
 *
 * <p>Writes that complete while a listing is under way are recorded in an overlay and win over
 * the listing, so a listing that started before a create (or a delete) cannot hide it. After
 * {@link #invalidate()} the next lookup lists again; a listing that was under way when invalidated
 * is discarded and repeated.
 */
final class UserBlobIndex {
    private static final Logger log = LoggerFactory.getLogger(UserBlobIndex.class);

    private final String userId;
    private Map<String, String> entries;        // null until built; guarded by this
    private Map<String, Optional<String>> overlay = new HashMap<>();
    private boolean building;
    private long generation;
    private int listings;

    UserBlobIndex(String userId) {
        this.userId = userId;
    }

    /**
     * The blob id carrying {@code marker}, or null. Lists the user's blobs first when the index is
     * not built; concurrent callers wait for that one listing.
     *
     * @param lister lists every blob of the user (exceptions propagate; the index stays unbuilt)
     */
    String lookup(String marker, Supplier<Iterator<MemoryBlob>> lister) throws InterruptedException {
        while (true) {
            long gen;
            synchronized (this) {
                while (building) {
                    wait();
                }
                if (entries != null) {
                    return entries.get(marker);
                }
                building = true;
                overlay = new HashMap<>();
                gen = generation;
            }
            Map<String, String> listed = new HashMap<>();
            Map<String, MemoryBlob> chosen = new HashMap<>();
            boolean ok = false;
            try {
                Iterator<MemoryBlob> it = lister.get();
                while (it.hasNext()) {
                    MemoryBlob b = it.next();
                    String m = BlobMarker.markerOf(b.source());
                    if (m == null) {
                        continue;
                    }
                    MemoryBlob earlier = chosen.get(m);
                    if (earlier != null) {
                        // Should not happen; if it does, always pick the same one (the smaller id).
                        log.warn("User {}: blobs {} and {} carry the same idempotency marker {}; updating {}", userId,
                                earlier.id(), b.id(), m, earlier.id().compareTo(b.id()) <= 0 ? earlier.id() : b.id());
                        if (earlier.id().compareTo(b.id()) <= 0) {
                            continue;
                        }
                    }
                    chosen.put(m, b);
                    listed.put(m, b.id());
                }
                ok = true;
            } finally {
                synchronized (this) {
                    building = false;
                    if (ok) {
                        listings++;
                        for (Map.Entry<String, Optional<String>> e : overlay.entrySet()) {
                            if (e.getValue().isPresent()) {
                                listed.put(e.getKey(), e.getValue().get());
                            } else {
                                listed.remove(e.getKey());
                            }
                        }
                        if (gen == generation) {
                            entries = listed;
                        }
                    }
                    overlay = new HashMap<>();
                    notifyAll();
                }
            }
        }
    }

    /** Records a blob this task created (or found) for {@code marker}. */
    synchronized void put(String marker, String blobId) {
        if (entries != null) {
            entries.put(marker, blobId);
        }
        if (building) {
            overlay.put(marker, Optional.of(blobId));
        }
    }

    /** Records that the blob of {@code marker} is gone. */
    synchronized void remove(String marker) {
        if (entries != null) {
            entries.remove(marker);
        }
        if (building) {
            overlay.put(marker, Optional.empty());
        }
    }

    /** The next lookup lists the user's blobs again (another task may have written, or a create's outcome is unknown). */
    synchronized void invalidate() {
        entries = null;
        generation++;
    }

    synchronized int listings() {
        return listings;
    }

    synchronized boolean built() {
        return entries != null;
    }
}
