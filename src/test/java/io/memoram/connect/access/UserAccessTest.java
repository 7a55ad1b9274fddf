package io.memoram.connect.access;

import io.memoram.connect.util.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.client.MemoramAccessDeniedException;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramClientConfig;
import io.memoram.connect.client.MemoramUnavailableException;
import io.memoram.connect.client.Secret;
import io.memoram.connect.crypto.ContentCipher;
import io.memoram.connect.crypto.ContentCiphers;
import io.memoram.connect.crypto.KeyDestroyedException;
import io.memoram.connect.crypto.KeyRing;
import io.memoram.connect.crypto.MalformedCiphertextException;
import io.memoram.connect.crypto.NoKeyOpensException;
import io.memoram.connect.crypto.WipedKeys;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link UserAccess} against the emulator over real HTTP: interop, key rotation, refresh limits, revocation. */
class UserAccessTest {
    private static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final ContentCipher AES = ContentCiphers.forName("aes-gcm");

    /** Started with the class, closed after all its tests. */
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T12:00:00Z"));
    private String apiKey;
    private MemoramClient client;
    private EmulatedUser user;
    private String requestId;

    @BeforeEach
    void grantedUser() {
        apiKey = emu.createApiKey();
        client = MemoramClient.create(MemoramClientConfig.builder(URI.create(emu.baseUrl()), Secret.of(apiKey))
                .maxRetries(0).build());
        user = emu.createUser();
        requestId = emu.grantAccess(apiKey, user);
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private UserAccess openAccess() {
        return UserAccess.open(client, requestId, AES, clock, INTERVAL);
    }

    private String sealedBlob(String plaintext) {
        return emu.blob(user.userId(), emu.putBlob(user.userId(), plaintext, "title", List.of())).content();
    }

    private int credentialFetches() {
        return emu.requestCount("GET", "/access-requests/" + requestId + "/credentials");
    }

    /** Valid Base64, long enough, but sealed by nobody: what a corrupt blob looks like. */
    private static String randomGarbage() {
        byte[] bytes = new byte[64];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void holdsTheCredentialsOfTheApprovedRequest() {
        UserAccess access = openAccess();

        assertThat(access.requestId()).isEqualTo(requestId);
        assertThat(access.userId()).isEqualTo(user.userId());
        assertThat(access.memoryKey()).isEqualTo(Secret.of(user.memoryKey()));
        assertThat(access.newestKeyVersion()).isEqualTo(user.keyVersion());
        assertThat(access.cipher()).isSameAs(AES);
    }

    @Test
    void opensBlobsTheEmulatorSealed() {
        UserAccess access = openAccess();

        KeyRing.Opened opened = access.open(sealedBlob("Remember: the demo is on Friday ✓"));

        assertThat(opened.plaintext()).isEqualTo("Remember: the demo is on Friday ✓");
        assertThat(opened.keyVersion()).isEqualTo(user.keyVersion());
    }

    @Test
    void whatItSealsTheEmulatorOpens() {
        UserAccess access = openAccess();

        String sealed = access.seal("written by the sink — ünïcödé");

        assertThat(sealed).isNotEqualTo("written by the sink — ünïcödé");
        assertThat(emu.decrypt(user.userId(), sealed)).isEqualTo("written by the sink — ünïcödé");
    }

    @Test
    void afterKeyRotationNewBlobsOpenAfterOneRefreshAndOldBlobsStillOpen() {
        UserAccess access = openAccess();
        String oldBlob = sealedBlob("sealed with the first key");
        int firstVersion = access.newestKeyVersion();

        int newVersion = emu.rotateKey(user.userId());
        String newBlob = sealedBlob("sealed with the rotated key");
        clock.advance(INTERVAL);
        int fetchesBefore = credentialFetches();

        KeyRing.Opened opened = access.open(newBlob);

        assertThat(opened).isEqualTo(new KeyRing.Opened("sealed with the rotated key", newVersion));
        assertThat(credentialFetches()).isEqualTo(fetchesBefore + 1);
        assertThat(access.newestKeyVersion()).isEqualTo(newVersion);
        assertThat(access.open(oldBlob)).isEqualTo(new KeyRing.Opened("sealed with the first key", firstVersion));
        assertThat(access.open(newBlob).keyVersion()).isEqualTo(newVersion);
        assertThat(credentialFetches()).isEqualTo(fetchesBefore + 1);
        // The newest key seals from now on.
        assertThat(access.open(access.seal("after rotation")).keyVersion()).isEqualTo(newVersion);
        assertThat(emu.decrypt(user.userId(), access.seal("after rotation"))).isEqualTo("after rotation");
    }

    @Test
    void doesNotRefreshAgainWithinTheInterval() {
        UserAccess access = openAccess();
        emu.rotateKey(user.userId());
        String newBlob = sealedBlob("new key");
        int fetchesBefore = credentialFetches();

        // Credentials were fetched "just now" by open(): no second fetch yet.
        assertThatThrownBy(() -> access.open(newBlob)).isInstanceOf(NoKeyOpensException.class);
        assertThat(credentialFetches()).isEqualTo(fetchesBefore);

        clock.advance(INTERVAL.minusSeconds(1));
        assertThatThrownBy(() -> access.open(newBlob)).isInstanceOf(NoKeyOpensException.class);
        assertThat(credentialFetches()).isEqualTo(fetchesBefore);

        clock.advance(Duration.ofSeconds(1));
        assertThat(access.open(newBlob).plaintext()).isEqualTo("new key");
        assertThat(credentialFetches()).isEqualTo(fetchesBefore + 1);
    }

    @Test
    void contentReadAfterTheLastFetchRefreshesOnceEvenWithinTheInterval() {
        UserAccess access = openAccess();
        clock.advance(Duration.ofSeconds(1));
        int newVersion = emu.rotateKey(user.userId());
        String newBlob = sealedBlob("sealed just after a rotation");
        Instant readAt = clock.instant();
        int fetchesBefore = credentialFetches();

        // Read from the API after the last fetch: the key that sealed it may be new, so one fetch.
        assertThat(access.open(newBlob, readAt)).isEqualTo(new KeyRing.Opened("sealed just after a rotation", newVersion));
        assertThat(credentialFetches()).isEqualTo(fetchesBefore + 1);

        // Content read before that fetch cannot hold a newer key: a corrupt blob costs nothing more.
        String corrupt = emu.blob(user.userId(), emu.putRawBlob(user.userId(), randomGarbage(), "corrupt", List.of())).content();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> access.open(corrupt, readAt)).isInstanceOf(NoKeyOpensException.class);
        }
        assertThat(credentialFetches()).isEqualTo(fetchesBefore + 1);
    }

    @Test
    void aCorruptBlobRefreshesAtMostOncePerInterval() {
        UserAccess access = openAccess();
        String corrupt = emu.blob(user.userId(),
                emu.putRawBlob(user.userId(), randomGarbage(), "corrupt", List.of())).content();
        clock.advance(INTERVAL);
        int fetchesBefore = credentialFetches();

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> access.open(corrupt))
                    .isInstanceOf(NoKeyOpensException.class)
                    .hasMessageNotContaining(corrupt)
                    .hasMessageNotContaining(user.encryptionKeyHex());
            clock.advance(Duration.ofSeconds(5));
        }
        assertThat(credentialFetches()).isEqualTo(fetchesBefore + 1);

        clock.advance(INTERVAL);
        assertThatThrownBy(() -> access.open(corrupt)).isInstanceOf(NoKeyOpensException.class);
        assertThat(credentialFetches()).isEqualTo(fetchesBefore + 2);
    }

    @Test
    void contentThatIsNotCiphertextFailsWithoutAnyRefresh() {
        UserAccess access = openAccess();
        String raw = emu.blob(user.userId(),
                emu.putRawBlob(user.userId(), "plain words, not Base64!", "raw", List.of())).content();
        clock.advance(INTERVAL);
        int fetchesBefore = credentialFetches();

        assertThatThrownBy(() -> access.open(raw)).isInstanceOf(MalformedCiphertextException.class);
        assertThatThrownBy(() -> access.open("c2hvcnQ=")).isInstanceOf(MalformedCiphertextException.class);
        assertThat(credentialFetches()).isEqualTo(fetchesBefore);
    }

    @Test
    void explicitRefreshAlwaysFetchesAndSaysWhetherTheKeyChanged() {
        UserAccess access = openAccess();
        int fetchesBefore = credentialFetches();

        assertThat(access.refresh()).isFalse();
        int newVersion = emu.rotateKey(user.userId());
        assertThat(access.refresh()).isTrue();
        assertThat(access.refresh()).isFalse();

        assertThat(credentialFetches()).isEqualTo(fetchesBefore + 3);
        assertThat(access.newestKeyVersion()).isEqualTo(newVersion);
        // The refresh just happened: a blob of the new key opens with no further fetch.
        assertThat(access.open(sealedBlob("after explicit refresh")).keyVersion()).isEqualTo(newVersion);
        assertThat(credentialFetches()).isEqualTo(fetchesBefore + 3);
    }

    @Test
    void threadsHittingARotatedKeyTogetherShareOneRefresh() throws Exception {
        UserAccess access = openAccess();
        int newVersion = emu.rotateKey(user.userId());
        String newBlob = sealedBlob("opened by many threads");
        clock.advance(INTERVAL);
        int fetchesBefore = credentialFetches();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<KeyRing.Opened>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return access.open(newBlob);
                }));
            }
            start.countDown();
            for (Future<KeyRing.Opened> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS))
                        .isEqualTo(new KeyRing.Opened("opened by many threads", newVersion));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(credentialFetches()).isEqualTo(fetchesBefore + 1);
    }

    @Test
    void aRevokedRequestCannotBeOpened() {
        emu.revoke(requestId);

        assertThatThrownBy(() -> openAccess())
                .isInstanceOf(MemoramAccessDeniedException.class)
                .hasMessageNotContaining(user.memoryKey());
    }

    @Test
    void aPendingRequestCannotBeOpened() {
        String pending = new AccessRequestResolver(client, "test").resolve(Secret.of(emu.createUser().memoryKey()));

        assertThatThrownBy(() -> UserAccess.open(client, pending, AES))
                .isInstanceOf(MemoramAccessDeniedException.class);
    }

    @Test
    void revocationSurfacesOnTheNextRefresh() {
        UserAccess access = openAccess();
        emu.revoke(requestId);

        assertThatThrownBy(access::refresh).isInstanceOf(MemoramAccessDeniedException.class);

        // A blob no key opens triggers a refresh, which reports the revocation rather than a decryption failure.
        clock.advance(INTERVAL);
        String foreign = AES.seal("sealed elsewhere", io.memoram.connect.crypto.EncryptionKey.fromHex("42".repeat(32), 99));
        assertThatThrownBy(() -> access.open(foreign)).isInstanceOf(MemoramAccessDeniedException.class);
    }

    @Test
    void thePlaintextSchemePassesContentThrough() {
        UserAccess access = UserAccess.open(client, requestId, ContentCiphers.forName("plaintext"), clock, INTERVAL);
        String stored = emu.blob(user.userId(),
                emu.putRawBlob(user.userId(), "sealed by the server, as is", "t", List.of())).content();

        assertThat(access.open(stored)).isEqualTo(new KeyRing.Opened("sealed by the server, as is", user.keyVersion()));
        assertThat(access.seal("as is")).isEqualTo("as is");
    }

    @Test
    void toStringShowsNoSecrets() {
        UserAccess access = openAccess();

        assertThat(access.toString())
                .contains(requestId, user.userId(), "aes-gcm")
                .doesNotContain(user.memoryKey())
                .doesNotContain(user.encryptionKeyHex())
                .doesNotContain(apiKey);
        assertThat(access.memoryKey()).hasToString("[hidden]");
    }

    @Test
    void closeWipesEveryKeyAndLaterUsesFailClearlyAndRetriably() {
        UserAccess access = openAccess();
        String oldBlob = sealedBlob("before the rotation");
        emu.rotateKey(user.userId());
        assertThat(access.refresh()).isTrue();
        List<byte[]> arrays = WipedKeys.arrays(access);
        assertThat(arrays).hasSize(2).allSatisfy(a -> assertThat(a).isNotEqualTo(new byte[a.length]));
        int fetches = credentialFetches();

        access.close();

        assertThat(access.isClosed()).isTrue();
        assertThat(arrays).as("both keys zeroed in place").allSatisfy(a -> assertThat(a).containsOnly(0));
        assertThat(WipedKeys.allZero(access)).isTrue();
        assertThat(WipedKeys.field(access, "memoryKey")).as("the memory key is dropped (a String cannot be zeroed)").isNull();
        assertThatThrownBy(() -> access.open(oldBlob)).isInstanceOf(MemoramUnavailableException.class)
                .hasMessage("the access to user " + user.userId() + " (access request " + requestId + ") ended while a call "
                        + "was under way (its keys were wiped); the user's current status decides on the next try")
                .hasMessageNotContaining(user.encryptionKeyHex())
                .hasCauseInstanceOf(KeyDestroyedException.class)
                .satisfies(e -> assertThat(((MemoramUnavailableException) e).isRetriable()).isTrue());
        assertThatThrownBy(() -> access.seal("more")).isInstanceOf(MemoramUnavailableException.class)
                .hasMessageContaining("ended");
        assertThatThrownBy(access::memoryKey).isInstanceOf(MemoramUnavailableException.class)
                .hasMessageNotContaining(user.memoryKey());
        assertThatThrownBy(access::refresh).isInstanceOf(MemoramUnavailableException.class);
        assertThat(credentialFetches()).as("no credentials fetched after the end").isEqualTo(fetches);
        assertThat(access.toString()).doesNotContain(user.encryptionKeyHex());
        access.close(); // idempotent
    }

    @Test
    void threadsOpeningWhileAccessEndsGetThePlaintextOrARetriableFailureNeverAWrongKey() throws Exception {
        UserAccess access = openAccess();
        String blob = sealedBlob("in flight");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch running = new CountDownLatch(2);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    int opened = 0;
                    while (true) {
                        try {
                            assertThat(access.open(blob).plaintext()).isEqualTo("in flight");
                        } catch (MemoramUnavailableException ended) {
                            return opened; // NoKeyOpensException (a "wrong" key) would fail the future
                        }
                        if (++opened == 20) {
                            running.countDown();
                        }
                    }
                }));
            }
            assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();
            access.close();
            for (Future<Integer> reader : readers) {
                assertThat(reader.get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(20);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(WipedKeys.allZero(access)).isTrue();
    }
}
