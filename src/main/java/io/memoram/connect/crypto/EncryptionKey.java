package io.memoram.connect.crypto;

import java.nio.CharBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * A user's symmetric key with its {@code key_version}. {@link #toString()} never shows the key.
 *
 * <p>Equality is deliberately not overridden: two keys are compared with
 * {@link #sameMaterial(EncryptionKey)}, in constant time, only where the ring needs it.
 *
 * <p>{@link #destroy()} zeroes the bytes when the user's access ends or the task stops; every use
 * after that throws {@link KeyDestroyedException}. Uses copy the bytes under this key's lock (32
 * bytes at most, so the lock is held for nanoseconds), so a use racing with destroy() gets either
 * the whole key or that exception, never half-zeroed bytes that would look like a wrong key.
 */
public final class EncryptionKey implements Destroyable {
    private final byte[] bytes;
    private final int version;
    /** Guarded by this. */
    private boolean destroyed;

    private EncryptionKey(byte[] bytes, int version) {
        this.bytes = bytes;
        this.version = version;
    }

    /**
     * Decodes the {@code encryption_key} of the credentials (hex, either case, surrounding blanks
     * ignored). Takes any {@link CharSequence} so the caller can pass characters it zeroes afterwards
     * (a {@code CharBuffer} over a {@code char[]}); nothing here copies them into a String.
     *
     * @throws InvalidKeyMaterialException for bad hex or a length other than 16, 24 or 32 bytes; the
     *         message says which and names the key version, never the key
     */
    public static EncryptionKey fromHex(CharSequence hex, int version) {
        int start = 0;
        int end = hex == null ? 0 : hex.length();
        while (start < end && Character.isWhitespace(hex.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(hex.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            throw new InvalidKeyMaterialException(describe(version) + " is missing", null);
        }
        if ((end - start) % 2 != 0) {
            throw new InvalidKeyMaterialException(describe(version) + " is not hex (odd number of characters)", null);
        }
        byte[] decoded = new byte[(end - start) / 2];
        for (int i = 0; i < decoded.length; i++) {
            int hi = Character.digit(hex.charAt(start + 2 * i), 16);
            int lo = Character.digit(hex.charAt(start + 2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                Arrays.fill(decoded, (byte) 0);
                // The position helps find a copy/paste error; the character itself is key material.
                throw new InvalidKeyMaterialException(describe(version)
                        + " is not hex (invalid character at position " + (hi < 0 ? 2 * i : 2 * i + 1) + ")", null);
            }
            decoded[i] = (byte) ((hi << 4) | lo);
        }
        if (decoded.length != 16 && decoded.length != 24 && decoded.length != 32) {
            int length = decoded.length;
            Arrays.fill(decoded, (byte) 0);
            throw new InvalidKeyMaterialException(describe(version) + " is " + length
                    + " bytes; AES needs 16, 24 or 32", null);
        }
        return new EncryptionKey(decoded, version);
    }

    /**
     * {@link #fromHex(CharSequence, int)} of characters that are zeroed before this returns, whether
     * the key was valid or not: the credentials' hex lives only from the JSON parser to here.
     */
    public static EncryptionKey fromHexAndWipe(char[] hex, int version) {
        try {
            return fromHex(hex == null ? null : CharBuffer.wrap(hex), version);
        } finally {
            if (hex != null) {
                Arrays.fill(hex, '\0');
            }
        }
    }

    /**
     * A stand-in for ciphers that use no key ({@code plaintext}): the server seals the content, so
     * whatever it sends as {@code encryption_key} is not ours to validate. AES refuses it.
     */
    public static EncryptionKey unused(int version) {
        return new EncryptionKey(new byte[0], version);
    }

    public int version() {
        return version;
    }

    /** Whether this is the key-less stand-in of {@link #unused(int)}. */
    public boolean isUnused() {
        return bytes.length == 0;
    }

    /**
     * A copy of the key bytes, for ciphers in this package; callers wipe it after use.
     *
     * @throws KeyDestroyedException after {@link #destroy()}
     */
    synchronized byte[] bytes() {
        if (destroyed) {
            throw new KeyDestroyedException(describe(version) + " was wiped from memory: the user's access ended "
                    + "or the task stopped");
        }
        return bytes.clone();
    }

    /** The array itself, for tests that check it was zeroed. */
    byte[] rawBytesForTest() {
        return bytes;
    }

    /**
     * Constant-time comparison of the key material (versions are not compared). Copies, so two
     * keys' locks are never held at once.
     *
     * @throws KeyDestroyedException when either key was destroyed
     */
    boolean sameMaterial(EncryptionKey other) {
        byte[] mine = bytes();
        byte[] theirs = other.bytes();
        try {
            return MessageDigest.isEqual(mine, theirs);
        } finally {
            Arrays.fill(mine, (byte) 0);
            Arrays.fill(theirs, (byte) 0);
        }
    }

    /**
     * Zeroes the key bytes; later uses throw {@link KeyDestroyedException}. Also re-keys the JVM
     * ciphers that last used this key (docs/security.md, "What stays in memory"). Idempotent.
     */
    @Override
    public void destroy() {
        synchronized (this) {
            Arrays.fill(bytes, (byte) 0);
            destroyed = true;
        }
        // Outside this key's lock: a cipher call holds its thread's cipher lock while it asks for the bytes.
        JdkAesGcm.forget(this);
    }

    @Override
    public synchronized boolean isDestroyed() {
        return destroyed;
    }

    private static String describe(int version) {
        return "encryption key (key_version " + version + ")";
    }

    @Override
    public String toString() {
        if (isDestroyed()) {
            return "EncryptionKey[version=" + version + ", destroyed]";
        }
        return isUnused()
                ? "EncryptionKey[version=" + version + ", unused]"
                : "EncryptionKey[version=" + version + ", " + (bytes.length * 8) + " bits]";
    }
}
