package io.memoram.connect.emulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Content sealing per docs/memoram-api.md ("Content encryption"): standard Base64 (padded) of nonce(12) || ciphertext || tag(16),
 * no associated data, UTF-8 plaintext. Written with javax.crypto on purpose, independently of the
 * connector's Bouncy Castle code, so that tests really check interoperability.
 */
final class AesGcmSealer {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private AesGcmSealer() {
    }

    static String seal(byte[] key, String plaintext) {
        try {
            byte[] nonce = Ids.randomBytes(NONCE_BYTES);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
    }

    /** @return the plaintext, or null when this key does not open the content (or it is not sealed at all). */
    static String open(byte[] key, String content) {
        try {
            byte[] in = Base64.getDecoder().decode(content);
            if (in.length < NONCE_BYTES + TAG_BITS / 8) {
                return null;
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return null;
        }
    }
}
