package io.memoram.connect.crypto;

import java.util.Objects;

/**
 * The {@code plaintext} scheme (docs/memoram-api.md, "Content encryption"): content goes out and comes back exactly as it is, for
 * deployments where the server seals it. The key is ignored.
 */
final class PlaintextCipher implements ContentCipher {
    static final PlaintextCipher INSTANCE = new PlaintextCipher();

    private PlaintextCipher() { }

    @Override
    public String name() {
        return ContentCiphers.PLAINTEXT;
    }

    @Override
    public String seal(String plaintext, EncryptionKey key) {
        return Objects.requireNonNull(plaintext, "plaintext");
    }

    @Override
    public String open(String content, EncryptionKey key) {
        if (content == null) {
            throw new MalformedCiphertextException("content is missing", null);
        }
        return content;
    }

    @Override
    public boolean usesKey() {
        return false;
    }

    @Override
    public String toString() {
        return name();
    }
}
