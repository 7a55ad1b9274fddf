package io.memoram.connect.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code aes-gcm} as the plugin uses it: on a stock JDK, the JVM's AES/GCM/NoPadding. */
class AesGcmCipherTest extends AesGcmCipherContract {

    @Override
    protected AesGcmCipher cipher() {
        return (AesGcmCipher) ContentCiphers.forName("aes-gcm");
    }

    @Override
    protected void beforeReusingANonce() {
        ((JdkAesGcm) cipher.engine()).scrubThisThread();
    }

    @Test
    void encryptingTwiceWithOneKeyAndNonceIsRefusedNotDone() {
        // SunJCE's guard against nonce reuse stays on: with random nonces it never fires, and if it did it must fail loudly.
        EncryptionKey key = EncryptionKey.fromHex("77".repeat(16), 1);
        byte[] nonce = new byte[12];
        cipher.seal("first", key, nonce);

        assertThatThrownBy(() -> cipher.seal("second", key, nonce)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot reuse iv for GCM encryption");
    }

    @Test
    void aStockJdkUsesItsOwnAesGcm() {
        assertThat(cipher.engine()).isInstanceOf(JdkAesGcm.class);
        assertThat(cipher.engine().description()).isEqualTo("the JVM's AES/GCM/NoPadding (provider SunJCE)");
    }

    @Test
    void aDestroyedKeyIsScrubbedFromEveryThreadsCipher() throws Exception {
        EncryptionKey key = EncryptionKey.fromHex("5a".repeat(32), 1);
        EncryptionKey other = EncryptionKey.fromHex("a5".repeat(32), 2);
        String sealed = cipher.seal("held by three threads", key);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Callable<String>> uses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                uses.add(() -> cipher.open(sealed, key));
            }
            for (Future<String> use : pool.invokeAll(uses, 60, TimeUnit.SECONDS)) {
                assertThat(use.get()).isEqualTo("held by three threads");
            }
            assertThat(JdkAesGcm.slotsHolding(key)).as("the pool's ciphers and this thread's").isGreaterThanOrEqualTo(2);
            cipher.seal("another key on this thread", other);
            int holdingOther = JdkAesGcm.slotsHolding(other);

            key.destroy();

            assertThat(JdkAesGcm.slotsHolding(key)).as("no thread's cipher holds the destroyed key").isZero();
            assertThat(JdkAesGcm.slotsHolding(other)).as("other keys stay where they are").isEqualTo(holdingOther);
            assertThat(cipher.open(cipher.seal("after the scrub", other), other)).isEqualTo("after the scrub");
            for (Future<String> use : pool.invokeAll(List.<Callable<String>>of(() -> cipher.open(cipher.seal("x", other), other)),
                    60, TimeUnit.SECONDS)) {
                assertThat(use.get()).as("a scrubbed thread's cipher works on").isEqualTo("x");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
