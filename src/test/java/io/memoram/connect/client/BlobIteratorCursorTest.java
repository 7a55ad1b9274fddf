package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import java.util.Iterator;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A listing whose cursors never end it, against the emulator over real HTTP: the iteration ends with an error. */
class BlobIteratorCursorTest {
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();

    /** Iterates until the iterator ends or fails; fails the test past {@code bound} blobs (a listing that never ends). */
    private static MemoramException failureOf(Iterator<MemoryBlob> it, int bound) {
        int n = 0;
        try {
            while (it.hasNext()) {
                it.next();
                if (++n > bound) {
                    fail("the listing never ended: " + n + " blobs of a user that has 3");
                }
            }
        } catch (MemoramException e) {
            return e;
        }
        return null;
    }

    private static UnaryOperator<String> cycle() {
        return c -> c == null ? "A" : c.equals("A") ? "B" : "A";
    }

    @Test
    void aCycleOfCursorsEndsTheIterationWithAnErrorNamingIt() {
        String apiKey = emu.createApiKey();
        EmulatedUser user = emu.createUser();
        for (int i = 0; i < 3; i++) {
            emu.putBlob(user.userId(), "b" + i, "t", List.of());
        }
        emu.grantAccess(apiKey, user);
        emu.faults().on("GET", "/memory-blobs").next(Integer.MAX_VALUE, Fault.cursors(cycle()));
        try (MemoramClient client = MemoramClient.create(Clients.fast(emu, apiKey).build())) {
            Iterator<MemoryBlob> it = client.iterateMemoryBlobs(user.userId(), null);
            assertThat(failureOf(it, 100_000)).isNotNull().hasMessageContaining("cycle").hasMessageContaining("2 cursors");
            assertThat(it.hasNext()).isFalse();

            // Fresh cursors over the same blobs: ended by the stale bound.
            emu.faults().clear();
            emu.faults().on("GET", "/memory-blobs").next(Integer.MAX_VALUE, Fault.cursors(c -> (c == null ? "c" : c) + "x"));
            assertThat(failureOf(client.iterateMemoryBlobs(user.userId(), null), 100_000)).isNotNull()
                    .hasMessageContaining(CursorWalk.MAX_STALE_PAGES + " pages in a row");

            emu.faults().clear();
            assertThat(failureOf(client.iterateMemoryBlobs(user.userId(), null), 3)).as("a sane listing ends").isNull();
        }
    }
}
