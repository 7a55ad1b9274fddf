package io.memoram.connect.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;

/**
 * {@code aes-gcm} on a JVM whose providers offer no usable AES/GCM/NoPadding (a FIPS-configured JVM
 * can be one): Bouncy Castle takes over, with the same format, vectors and interoperability.
 */
class AesGcmFallbackTest extends AesGcmCipherContract {

    @Override
    protected AesGcmCipher cipher() {
        return new AesGcmCipher(new SecureRandom(), AesGcmCipher.select(() -> {
            throw new NoSuchAlgorithmException("Cannot find any provider supporting AES/GCM/NoPadding");
        }));
    }

    @Test
    void withoutTheJvmsAesGcmBouncyCastleIsUsed() {
        assertThat(cipher.engine()).isSameAs(BouncyCastleAesGcm.INSTANCE);
    }

    @Test
    void aProviderThatCannotDoGcmAlsoFallsBack() {
        // Refuses GCM parameters at init, as a provider that will not take raw key bytes refuses the key.
        JdkAesGcm.Probe probe = JdkAesGcm.probe(() -> Cipher.getInstance("AES/CTR/NoPadding"));

        assertThat(probe.engine()).isNull();
        assertThat(probe.reason()).startsWith("AES/GCM/NoPadding is not usable: ");
        assertThat(AesGcmCipher.select(() -> Cipher.getInstance("AES/CTR/NoPadding"))).isSameAs(BouncyCastleAesGcm.INSTANCE);
    }

    @Test
    void bothEnginesSealTheSameBytes() {
        EncryptionKey key = EncryptionKey.fromHex("0123456789abcdef".repeat(4), 1);
        AesGcmCipher jdk = (AesGcmCipher) ContentCiphers.forName("aes-gcm");
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        String text = "the same bytes from either engine: ünïcødé 🧠";

        assertThat(cipher.seal(text, key, nonce)).isEqualTo(jdk.seal(text, key, nonce));
        assertThat(jdk.open(cipher.seal(text, key), key)).isEqualTo(text);
        assertThat(cipher.open(jdk.seal(text, key), key)).isEqualTo(text);
    }
}
