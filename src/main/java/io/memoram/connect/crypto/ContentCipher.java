package io.memoram.connect.crypto;

/**
 * A way of sealing blob {@code content} (docs/memoram-api.md, "Content encryption"). Implementations are
 * thread-safe and keep no key beyond a call, except what docs/security.md ("What stays in memory") lists;
 * they are chosen by name with {@link ContentCiphers#forName(String)}.
 */
public interface ContentCipher {
    /** The config name, e.g. {@code aes-gcm}. */
    String name();

    /** Seals UTF-8 plaintext with {@code key}; a fresh random nonce every call. */
    String seal(String plaintext, EncryptionKey key);

    /**
     * Opens sealed content with {@code key}.
     *
     * @throws MalformedCiphertextException when the content is not valid Base64 or too short
     * @throws CiphertextAuthenticationException when the tag does not verify (tampered, or another key)
     */
    String open(String content, EncryptionKey key);

    /**
     * Whether this scheme uses the user's key at all. {@code false} for {@code plaintext}, whose
     * users need not validate the {@code encryption_key} the server hands out.
     */
    default boolean usesKey() {
        return true;
    }
}
