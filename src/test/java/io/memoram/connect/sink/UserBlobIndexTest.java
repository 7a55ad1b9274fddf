package io.memoram.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.client.model.MemoryBlob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UserBlobIndexTest {

    private static MemoryBlob blob(String id, String source) {
        return new MemoryBlob(id, "u", null, Instant.EPOCH, Instant.EPOCH, source, null, null, null, null, null, null);
    }

    @Test
    void listsOnceAndMapsMarkersToIds() throws Exception {
        String m1 = BlobMarker.forKey("t", "a");
        String m2 = BlobMarker.forKey("t", "b");
        AtomicInteger listings = new AtomicInteger();
        UserBlobIndex index = new UserBlobIndex("u");
        java.util.function.Supplier<Iterator<MemoryBlob>> lister = () -> {
            listings.incrementAndGet();
            return List.of(blob("b1", BlobMarker.markedSource("kafka-connect", m1)), blob("b2", "chat-app"),
                    blob("b9", BlobMarker.markedSource("x", m2)), blob("b3", BlobMarker.markedSource("y", m2))).iterator();
        };
        assertThat(index.lookup(m1, lister)).isEqualTo("b1");
        assertThat(index.lookup(m2, lister)).as("duplicates resolve to the smaller id").isEqualTo("b3");
        assertThat(index.lookup(BlobMarker.forKey("t", "c"), lister)).isNull();
        assertThat(listings.get()).isEqualTo(1);
        index.put(m1, "b7");
        assertThat(index.lookup(m1, lister)).isEqualTo("b7");
        index.remove(m1);
        assertThat(index.lookup(m1, lister)).isNull();
        index.invalidate();
        assertThat(index.lookup(m1, lister)).isEqualTo("b1");
        assertThat(listings.get()).isEqualTo(2);
    }

    @Test
    void writesDuringAListingWinOverIt() throws Exception {
        String m = BlobMarker.forKey("t", "a");
        String gone = BlobMarker.forKey("t", "gone");
        UserBlobIndex index = new UserBlobIndex("u");
        CountDownLatch listing = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<String> first = pool.submit(() -> index.lookup(m, () -> {
                listing.countDown();
                try {
                    proceed.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                // The listing was taken before the create and the delete below.
                return new ArrayList<>(List.of(blob("old", BlobMarker.markedSource("s", gone)))).iterator();
            }));
            assertThat(listing.await(5, TimeUnit.SECONDS)).isTrue();
            Future<String> waiter = pool.submit(() -> index.lookup(gone, () -> {
                throw new AssertionError("a second listing must not start while one is under way");
            }));
            index.put(m, "new");
            index.remove(gone);
            proceed.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("new");
            assertThat(waiter.get(5, TimeUnit.SECONDS)).isNull();
            assertThat(index.listings()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedListingLeavesTheIndexUnbuilt() throws Exception {
        UserBlobIndex index = new UserBlobIndex("u");
        // Propagated to the caller (the lane), who retries later.
        assertThatThrownBy(() -> index.lookup("m", () -> {
            throw new IllegalStateException("503");
        })).isInstanceOf(IllegalStateException.class).hasMessage("503");
        assertThat(index.built()).isFalse();
        assertThat(index.lookup("m", () -> List.<MemoryBlob>of().iterator())).isNull();
        assertThat(index.built()).isTrue();
    }
}
