package io.memoram.connect.crypto;

/**
 * One user's keys: the newest seals, all known ones (newest first) are tried when opening, so
 * blobs sealed before a key rotation still open (Part B.2). Thread-safe.
 * SKELETON: being implemented.
 */
public final class KeyRing {

    public KeyRing(EncryptionKey newest) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public EncryptionKey newest() { throw new UnsupportedOperationException(); }

    /** Adds a key; one with a higher version than the newest becomes the newest. Returns true if it was new. */
    public boolean add(EncryptionKey key) { throw new UnsupportedOperationException(); }

    /** The plaintext and the version of the key that opened it. */
    public record Opened(String plaintext, int keyVersion) { 
        @Override
        public String toString() {
            return "Opened[keyVersion=" + keyVersion + "]";
        }
    }

    /**
     * Tries every key, newest first.
     *
     * @throws MalformedCiphertextException when the content cannot be parsed at all (no key helps)
     * @throws NoKeyOpensException when it parses but no key verifies
     */
    public Opened open(ContentCipher cipher, String content) { throw new UnsupportedOperationException(); }

    /** Seals with the newest key. */
    public String seal(ContentCipher cipher, String plaintext) { throw new UnsupportedOperationException(); }
}
