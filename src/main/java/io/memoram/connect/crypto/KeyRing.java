package io.memoram.connect.crypto;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.security.auth.Destroyable;

/**
 * One user's keys: the newest seals, all known ones (newest first) are tried when opening, so
 * blobs sealed before a key rotation still open (docs/memoram-api.md, "Key rotation"). Thread-safe: the keys are an immutable
 * list replaced on every change (copy on write), so opening never waits for a change.
 *
 * <p>{@link #destroy()} wipes every key (the user's access ended, or the task stopped); the ring
 * then refuses every use with {@link KeyDestroyedException}, also for ciphers that use no key.
 */
public final class KeyRing implements Destroyable {
    /** Newest first: highest version first; among equal versions the one added last. */
    private volatile List<EncryptionKey> keys;
    private volatile boolean destroyed;

    public KeyRing(EncryptionKey newest) {
        keys = List.of(Objects.requireNonNull(newest, "newest key"));
    }

    public EncryptionKey newest() {
        return keys.get(0);
    }

    /** The versions of the known keys, newest first (for logs and metrics). */
    public List<Integer> versions() {
        return keys.stream().map(EncryptionKey::version).collect(Collectors.toUnmodifiableList());
    }

    public int size() {
        return keys.size();
    }

    /**
     * Adds a key; one with a higher version than the newest becomes the newest. Returns true if it was
     * new, false when the same key material is already in the ring (whatever version it came with).
     * The ring takes ownership: a key it does not keep (known material, or a ring already destroyed)
     * is destroyed, since every credentials refresh brings a fresh copy of the current key.
     */
    public synchronized boolean add(EncryptionKey key) {
        Objects.requireNonNull(key, "key");
        if (destroyed) {
            key.destroy(); // nobody else holds it: a refresh racing with the end of access
            throw destroyedException();
        }
        List<EncryptionKey> current = keys;
        for (EncryptionKey known : current) {
            if (known == key) {
                return false; // the very instance the ring uses: not a copy to wipe
            }
            if (known.sameMaterial(key)) {
                key.destroy();
                return false;
            }
        }
        List<EncryptionKey> next = new ArrayList<>(current.size() + 1);
        next.add(key);
        next.addAll(current);
        // Stable sort: a key added later stays ahead of an older one with the same version.
        next.sort(Comparator.comparingInt(EncryptionKey::version).reversed());
        keys = List.copyOf(next);
        return true;
    }

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
    public Opened open(ContentCipher cipher, String content) {
        checkNotDestroyed();
        List<EncryptionKey> snapshot = keys;
        CiphertextAuthenticationException last = null;
        for (EncryptionKey key : snapshot) {
            try {
                return new Opened(cipher.open(content, key), key.version());
            } catch (CiphertextAuthenticationException e) {
                last = e;
            }
        }
        throw new NoKeyOpensException("none of the " + snapshot.size() + " known keys (key_version "
                + snapshot.stream().map(k -> String.valueOf(k.version())).collect(Collectors.joining(", "))
                + ") opens the content", last);
    }

    /** Seals with the newest key. */
    public String seal(ContentCipher cipher, String plaintext) {
        checkNotDestroyed();
        return cipher.seal(plaintext, newest());
    }

    /** Wipes every key; later opens, seals and adds throw {@link KeyDestroyedException}. Idempotent. */
    @Override
    public synchronized void destroy() {
        destroyed = true;
        for (EncryptionKey key : keys) {
            key.destroy();
        }
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    private void checkNotDestroyed() {
        // A key being destroyed right after this check still fails clearly: it refuses its bytes.
        if (destroyed) {
            throw destroyedException();
        }
    }

    private KeyDestroyedException destroyedException() {
        return new KeyDestroyedException("the keys (key_version " + versions().stream().map(String::valueOf)
                .collect(Collectors.joining(", ")) + ") were wiped from memory: the user's access ended or the task stopped");
    }

    @Override
    public String toString() {
        return "KeyRing[versions=" + versions() + "]";
    }
}
