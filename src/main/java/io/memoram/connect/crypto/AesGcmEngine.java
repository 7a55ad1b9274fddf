package io.memoram.connect.crypto;

/**
 * The AES-GCM primitive behind {@link AesGcmCipher}: 96-bit nonce, 128-bit tag, no associated data,
 * output {@code ciphertext || tag}. Implementations are thread-safe and copy the key bytes only for
 * the length of a call (see docs/security.md for what each leaves in memory).
 */
interface AesGcmEngine {
    int NONCE_BYTES = 12;
    int TAG_BYTES = 16;

    /** Which implementation this is, for the startup log and docs (no secrets). */
    String description();

    /**
     * Encrypts {@code in[inOff, inOff + inLen)} with the nonce {@code nonce[0, 12)}, writing
     * {@code inLen + 16} bytes of ciphertext and tag to {@code out} at {@code outOff}.
     *
     * @throws KeyDestroyedException when the key was wiped
     */
    void encrypt(EncryptionKey key, byte[] nonce, byte[] in, int inOff, int inLen, byte[] out, int outOff);

    /**
     * Decrypts and verifies {@code in[inOff, inOff + inLen)} (ciphertext and tag) with the nonce
     * {@code nonce[nonceOff, nonceOff + 12)}; returns the plaintext.
     *
     * @throws CiphertextAuthenticationException when the tag does not verify
     * @throws KeyDestroyedException when the key was wiped
     */
    byte[] decrypt(EncryptionKey key, byte[] nonce, int nonceOff, byte[] in, int inOff, int inLen);
}
