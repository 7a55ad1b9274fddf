package io.memoram.connect.crypto;

/**
 * A key was used after it was wiped ({@link EncryptionKey#destroy()}), typically by a call that
 * was under way when the user's access ended or the task stopped. Not a {@link
 * ContentCryptoException} on purpose: the content is not at fault, so it must never be skipped,
 * dead-lettered or reported as undecryptable because of this. The message names the key version only.
 */
public class KeyDestroyedException extends IllegalStateException {
    public KeyDestroyedException(String message) {
        super(message);
    }
}
