package io.memoram.connect.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeyRingTest {
    private static final String HEX_V1 = "11".repeat(32);
    private static final String HEX_V2 = "22".repeat(32);
    private static final String HEX_V3 = "33".repeat(16);

    private final ContentCipher aes = ContentCiphers.forName("aes-gcm");
    private final EncryptionKey v1 = EncryptionKey.fromHex(HEX_V1, 1);
    private final EncryptionKey v2 = EncryptionKey.fromHex(HEX_V2, 2);
    private final EncryptionKey v3 = EncryptionKey.fromHex(HEX_V3, 3);

    @Test
    void theOnlyKeySealsAndOpens() {
        KeyRing ring = new KeyRing(v1);

        String content = ring.seal(aes, "hello");

        assertThat(aes.open(content, v1)).isEqualTo("hello");
        assertThat(ring.open(aes, content)).isEqualTo(new KeyRing.Opened("hello", 1));
        assertThat(ring.newest()).isSameAs(v1);
        assertThat(ring.versions()).containsExactly(1);
    }

    @Test
    void afterRotationTheNewestSealsAndOlderBlobsStillOpen() {
        KeyRing ring = new KeyRing(v1);
        String before = ring.seal(aes, "sealed before rotation");

        assertThat(ring.add(v2)).isTrue();
        String after = ring.seal(aes, "sealed after rotation");

        assertThat(ring.newest()).isSameAs(v2);
        assertThat(aes.open(after, v2)).isEqualTo("sealed after rotation");
        assertThatThrownBy(() -> aes.open(after, v1)).isInstanceOf(CiphertextAuthenticationException.class);
        assertThat(ring.open(aes, before)).isEqualTo(new KeyRing.Opened("sealed before rotation", 1));
        assertThat(ring.open(aes, after)).isEqualTo(new KeyRing.Opened("sealed after rotation", 2));
        assertThat(ring.versions()).containsExactly(2, 1);
    }

    @Test
    void anOlderKeyAddedLaterDoesNotBecomeTheNewest() {
        KeyRing ring = new KeyRing(v3);

        assertThat(ring.add(v1)).isTrue();

        assertThat(ring.newest()).isSameAs(v3);
        assertThat(ring.versions()).containsExactly(3, 1);
        assertThat(ring.open(aes, aes.seal("old", v1)).keyVersion()).isEqualTo(1);
    }

    @Test
    void addingKnownKeyMaterialChangesNothing() {
        KeyRing ring = new KeyRing(v1);

        assertThat(ring.add(EncryptionKey.fromHex(HEX_V1, 1))).isFalse();
        assertThat(ring.add(EncryptionKey.fromHex(HEX_V1.toUpperCase(), 5))).isFalse();

        assertThat(ring.size()).isEqualTo(1);
        assertThat(ring.newest()).isSameAs(v1);
    }

    @Test
    void aKeyWhoseMaterialIsKnownIsWipedNotKept() {
        // Every credentials refresh hands the ring a fresh copy of the current key: the ring owns it
        // and zeroes it, or each refresh would leave one more copy for the garbage collector.
        KeyRing ring = new KeyRing(v1);
        EncryptionKey sameAgain = EncryptionKey.fromHex(HEX_V1, 1);
        byte[] sameAgainBytes = sameAgain.rawBytesForTest();
        EncryptionKey sameOtherVersion = EncryptionKey.fromHex(HEX_V1, 5);
        byte[] sameOtherVersionBytes = sameOtherVersion.rawBytesForTest();

        assertThat(ring.add(sameAgain)).isFalse();
        assertThat(ring.add(sameOtherVersion)).isFalse();

        assertThat(sameAgainBytes).hasSize(32).containsOnly(0);
        assertThat(sameOtherVersionBytes).hasSize(32).containsOnly(0);
        assertThat(sameAgain.isDestroyed()).isTrue();
        assertThat(sameOtherVersion.isDestroyed()).isTrue();
        assertThat(v1.isDestroyed()).as("the ring's own key stays usable").isFalse();
        assertThat(ring.open(aes, aes.seal("still opens", v1)).plaintext()).isEqualTo("still opens");
    }

    @Test
    void addingAKeyTheRingAlreadyHoldsKeepsIt() {
        KeyRing ring = new KeyRing(v1);

        assertThat(ring.add(v1)).isFalse();

        assertThat(v1.isDestroyed()).as("the very instance in the ring is not wiped").isFalse();
        assertThat(ring.open(aes, aes.seal("x", v1)).keyVersion()).isEqualTo(1);
    }

    @Test
    void opensTryingTheNewestKeyFirst() {
        KeyRing ring = new KeyRing(v1);
        ring.add(v3);
        ring.add(v2);
        RecordingCipher recording = new RecordingCipher(aes);

        KeyRing.Opened opened = ring.open(recording, aes.seal("x", v1));

        assertThat(opened.keyVersion()).isEqualTo(1);
        assertThat(recording.versionsTried).containsExactly(3, 2, 1);
    }

    @Test
    void stopsAtTheFirstKeyThatOpens() {
        KeyRing ring = new KeyRing(v1);
        ring.add(v2);
        RecordingCipher recording = new RecordingCipher(aes);

        ring.open(recording, aes.seal("x", v2));

        assertThat(recording.versionsTried).containsExactly(2);
    }

    @Test
    void contentNoKeyOpensFailsNamingTheVersionsTried() {
        KeyRing ring = new KeyRing(v1);
        ring.add(v2);
        String foreign = aes.seal("sealed elsewhere", v3);

        assertThatThrownBy(() -> ring.open(aes, foreign))
                .isInstanceOf(NoKeyOpensException.class)
                .hasMessage("none of the 2 known keys (key_version 2, 1) opens the content")
                .hasCauseInstanceOf(CiphertextAuthenticationException.class)
                .hasMessageNotContaining(HEX_V1)
                .hasMessageNotContaining(foreign);
    }

    @Test
    void malformedContentFailsAtOnceWithoutTryingOtherKeys() {
        KeyRing ring = new KeyRing(v1);
        ring.add(v2);
        RecordingCipher recording = new RecordingCipher(aes);

        assertThatThrownBy(() -> ring.open(recording, "definitely not ciphertext"))
                .isInstanceOf(MalformedCiphertextException.class);
        assertThat(recording.versionsTried).containsExactly(2);
    }

    @Test
    void thePlaintextSchemeReportsTheNewestVersion() {
        KeyRing ring = new KeyRing(EncryptionKey.unused(4));
        ContentCipher plaintext = ContentCiphers.forName("plaintext");

        assertThat(ring.seal(plaintext, "as is")).isEqualTo("as is");
        assertThat(ring.open(plaintext, "as is")).isEqualTo(new KeyRing.Opened("as is", 4));
    }

    @Test
    void toStringsRevealNoSecrets() {
        KeyRing ring = new KeyRing(v1);
        ring.add(v2);
        KeyRing.Opened opened = ring.open(aes, ring.seal(aes, "private thoughts"));

        assertThat(ring).hasToString("KeyRing[versions=[2, 1]]");
        assertThat(opened).hasToString("Opened[keyVersion=2]");
    }

    @Test
    void opensWhileAnotherThreadRotatesKeys() throws Exception {
        KeyRing ring = new KeyRing(v1);
        String old = ring.seal(aes, "old blob");
        List<EncryptionKey> rotations = new ArrayList<>();
        for (int v = 2; v <= 60; v++) {
            rotations.add(EncryptionKey.fromHex(String.format("%064x", v), v));
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        CountDownLatch start = new CountDownLatch(1);
        try {
            Future<?> rotator = pool.submit(() -> {
                start.await();
                rotations.forEach(ring::add);
                return null;
            });
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    start.await();
                    int opened = 0;
                    for (int i = 0; i < 300; i++) {
                        if (ring.open(aes, old).plaintext().equals("old blob")) {
                            opened++;
                        }
                    }
                    return opened;
                }));
            }
            start.countDown();
            rotator.get(60, TimeUnit.SECONDS);
            for (Future<Integer> reader : readers) {
                assertThat(reader.get(60, TimeUnit.SECONDS)).isEqualTo(300);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ring.size()).isEqualTo(60);
        assertThat(ring.newest().version()).isEqualTo(60);
        assertThat(ring.open(aes, ring.seal(aes, "new")).keyVersion()).isEqualTo(60);
    }

    @Test
    void destroyWipesEveryKeyAndTheRingRefusesEveryUse() {
        KeyRing ring = new KeyRing(v1);
        ring.add(v2);
        String sealed = ring.seal(aes, "hello");
        List<byte[]> arrays = WipedKeys.arrays(ring);

        ring.destroy();

        assertThat(arrays).hasSize(2).allSatisfy(a -> assertThat(a).containsOnly(0));
        assertThat(ring.isDestroyed()).isTrue();
        assertThat(v1.isDestroyed()).isTrue();
        assertThat(v2.isDestroyed()).isTrue();
        assertThatThrownBy(() -> ring.open(aes, sealed)).isInstanceOf(KeyDestroyedException.class)
                .hasMessage("the keys (key_version 2, 1) were wiped from memory: the user's access ended or the task stopped");
        assertThatThrownBy(() -> ring.seal(aes, "more")).isInstanceOf(KeyDestroyedException.class);
        ContentCipher plaintext = ContentCiphers.forName("plaintext");
        assertThatThrownBy(() -> ring.seal(plaintext, "more")).as("also for a cipher that uses no key")
                .isInstanceOf(KeyDestroyedException.class);
        assertThatThrownBy(() -> ring.add(v3)).isInstanceOf(KeyDestroyedException.class);
        assertThat(v3.isDestroyed()).as("a key arriving after the end is wiped too").isTrue();
        assertThat(ring.versions()).containsExactly(2, 1);
    }

    @Test
    void openingWhileTheRingIsDestroyedGivesThePlaintextOrAClearFailureNeverGarbage() throws Exception {
        KeyRing ring = new KeyRing(v1);
        ring.add(v2);
        ring.add(v3);
        // Sealed with the oldest key, so each open copies every key in turn: the widest window for a race.
        String old = aes.seal("old blob", v1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch running = new CountDownLatch(2);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    int opened = 0;
                    while (true) {
                        try {
                            assertThat(ring.open(aes, old)).isEqualTo(new KeyRing.Opened("old blob", 1));
                            opened++;
                            if (opened == 50) {
                                running.countDown();
                            }
                        } catch (KeyDestroyedException e) {
                            return opened; // anything else (a key that "does not open") fails the future
                        }
                    }
                }));
            }
            assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();
            ring.destroy();
            for (Future<Integer> reader : readers) {
                assertThat(reader.get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(50);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Delegates and records which key versions were tried, in order. */
    private static final class RecordingCipher implements ContentCipher {
        private final ContentCipher delegate;
        final List<Integer> versionsTried = Collections.synchronizedList(new ArrayList<>());

        RecordingCipher(ContentCipher delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public String seal(String plaintext, EncryptionKey key) {
            return delegate.seal(plaintext, key);
        }

        @Override
        public String open(String content, EncryptionKey key) {
            versionsTried.add(key.version());
            return delegate.open(content, key);
        }
    }
}
