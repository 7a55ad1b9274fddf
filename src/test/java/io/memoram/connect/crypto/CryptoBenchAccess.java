package io.memoram.connect.crypto;

import java.security.SecureRandom;

/** A bench-only window onto the package-private engines (io.memoram.connect.bench.CryptoBench). Not a test. */
public final class CryptoBenchAccess {
    private CryptoBenchAccess() { }

    /** {@code aes-gcm} on the Bouncy Castle fallback, as on a JVM without a usable AES/GCM/NoPadding. */
    public static ContentCipher bouncyCastleFallback() {
        return new AesGcmCipher(new SecureRandom(), BouncyCastleAesGcm.INSTANCE);
    }

    /** Which engine {@code cipher} (an {@code aes-gcm} cipher) runs on. */
    public static String engineOf(ContentCipher cipher) {
        return ((AesGcmCipher) cipher).engine().description();
    }
}
