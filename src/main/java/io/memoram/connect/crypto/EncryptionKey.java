package io.memoram.connect.crypto;

/**
 * A user's symmetric key with its {@code key_version}. {@link #toString()} never shows the key.
 * SKELETON: being implemented.
 */
public final class EncryptionKey {
    private final byte[] bytes;
    private final int version;

    private EncryptionKey(byte[] bytes, int version) {
        this.bytes = bytes;
        this.version = version;
    }

    /** @throws InvalidKeyMaterialException for bad hex or a length other than 16, 24 or 32 bytes */
    public static EncryptionKey fromHex(String hex, int version) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public int version() {
        return version;
    }

    /** A copy of the key bytes, for ciphers in this package. */
    byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public String toString() {
        return "EncryptionKey[version=" + version + ", " + (bytes.length * 8) + " bits]";
    }
}
