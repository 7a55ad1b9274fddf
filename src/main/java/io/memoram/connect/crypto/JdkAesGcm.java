package io.memoram.connect.crypto;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM through the JVM's {@code AES/GCM/NoPadding} (SunJCE on a stock JDK, which uses the CPU's
 * AES and carry-less multiply instructions): several times faster than Bouncy Castle's portable code.
 *
 * <p>One {@link Cipher} per thread (they are not thread-safe; the source opens on several pipeline
 * threads), re-initialized with the key and a fresh nonce for every call: creating a Cipher costs a
 * provider lookup, and a cipher re-initialized with the key it already holds skips the key expansion.
 *
 * <p>Key hygiene: the key bytes are handed to the provider through {@link RawKey}, a {@link SecretKey}
 * over a copy that is zeroed when the call returns (a {@code SecretKeySpec} would keep a copy that
 * cannot be zeroed). The provider keeps its own copies inside the thread's cipher (SunJCE: the raw key,
 * twice, and the expanded round keys) until that cipher is re-keyed. So when an {@link EncryptionKey}
 * is destroyed, {@link #forget(EncryptionKey)} re-keys every thread's cipher that last used it with an
 * all-zero key: SunJCE then zeroes its raw copies; the old round keys and the GHASH subkey of each
 * call become garbage that is not zeroed (the provider offers no way to). docs/security.md says so.
 */
final class JdkAesGcm implements AesGcmEngine {
    static final String TRANSFORMATION = "AES/GCM/NoPadding";

    /** Creates the Cipher instances; a test can make it fail to force the fallback. */
    @FunctionalInterface
    interface CipherFactory {
        Cipher create() throws GeneralSecurityException;
    }

    /** Every thread's cipher of every instance, so a destroyed key can be scrubbed from all of them. */
    private static final Set<Slot> SLOTS = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private final CipherFactory factory;
    private final String provider;
    private final ThreadLocal<Slot> slots;

    private JdkAesGcm(CipherFactory factory, String provider) {
        this.factory = factory;
        this.provider = provider;
        this.slots = ThreadLocal.withInitial(this::newSlot);
    }

    /**
     * The JVM's AES-GCM if it is there and gives the published answer for a known key, nonce and
     * plaintext (the same path as real use, our own key class included); otherwise the reason it is not.
     */
    static Probe probe(CipherFactory factory) {
        try {
            Cipher cipher = factory.create();
            JdkAesGcm engine = new JdkAesGcm(factory, "?");
            Slot slot = new Slot(cipher);
            byte[] out = engine.run(slot, Cipher.ENCRYPT_MODE, KnownAnswer.key(), KnownAnswer.nonce(), 0,
                    KnownAnswer.PLAINTEXT, 0, KnownAnswer.PLAINTEXT.length, null);
            if (!Arrays.equals(out, KnownAnswer.sealed())) {
                return new Probe(null, "its " + TRANSFORMATION + " gave a wrong answer for a known test vector");
            }
            byte[] sealed = KnownAnswer.sealed();
            byte[] opened = engine.run(slot, Cipher.DECRYPT_MODE, KnownAnswer.key(), KnownAnswer.nonce(), 0,
                    sealed, 0, sealed.length, null);
            if (!Arrays.equals(opened, KnownAnswer.PLAINTEXT)) {
                return new Probe(null, "its " + TRANSFORMATION + " did not open a known test vector");
            }
            return new Probe(new JdkAesGcm(factory, cipher.getProvider().getName()), null);
        } catch (GeneralSecurityException | RuntimeException e) {
            // No key material is involved yet: the known-answer key is public.
            return new Probe(null, TRANSFORMATION + " is not usable: " + e);
        }
    }

    /** The outcome of {@link #probe}: an engine, or why there is none. */
    record Probe(JdkAesGcm engine, String reason) { }

    @Override
    public String description() {
        return "the JVM's " + TRANSFORMATION + " (provider " + provider + ")";
    }

    @Override
    public void encrypt(EncryptionKey key, byte[] nonce, byte[] in, int inOff, int inLen, byte[] out, int outOff) {
        try {
            run(slots.get(), Cipher.ENCRYPT_MODE, key, nonce, 0, in, inOff, inLen, out, outOff);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e); // cannot happen when encrypting
        }
    }

    @Override
    public byte[] decrypt(EncryptionKey key, byte[] nonce, int nonceOff, byte[] in, int inOff, int inLen) {
        try {
            return run(slots.get(), Cipher.DECRYPT_MODE, key, nonce, nonceOff, in, inOff, inLen, null, 0);
        } catch (AEADBadTagException e) {
            throw new CiphertextAuthenticationException("content does not verify with " + key
                    + ": tampered with, or sealed with another key", null);
        }
    }

    /** Re-keys every thread's cipher that last used {@code key} with a zero key; called when the key is destroyed. */
    static void forget(EncryptionKey key) {
        List<Slot> all;
        synchronized (SLOTS) {
            all = new ArrayList<>(SLOTS);
        }
        for (Slot slot : all) {
            slot.forget(key);
        }
    }

    /**
     * Scrubs this thread's cipher of this engine (tests): SunJCE refuses to encrypt twice in a row with
     * one key and nonce, which published test vectors do; random nonces never meet that.
     */
    void scrubThisThread() {
        Slot slot = slots.get();
        slot.lock.lock();
        try {
            slot.scrub();
        } finally {
            slot.lock.unlock();
        }
    }

    /** How many threads' ciphers hold {@code key} right now (tests). */
    static int slotsHolding(EncryptionKey key) {
        synchronized (SLOTS) {
            int n = 0;
            for (Slot slot : SLOTS) {
                slot.lock.lock();
                try {
                    n += slot.inUse == key ? 1 : 0;
                } finally {
                    slot.lock.unlock();
                }
            }
            return n;
        }
    }

    /** Encrypts into {@code out} (and returns null) or returns the output; keyed by an EncryptionKey. */
    private byte[] run(Slot slot, int mode, EncryptionKey key, byte[] nonce, int nonceOff, byte[] in, int inOff, int inLen,
                       byte[] out, int outOff) throws AEADBadTagException {
        byte[] keyBytes = key.bytes(); // before the slot's lock: KeyDestroyedException, and no lock order with the key's
        try {
            slot.lock.lock();
            try {
                slot.inUse = key;
                byte[] result = crypt(slot.cipher, mode, keyBytes, nonce, nonceOff, in, inOff, inLen, out, outOff);
                if (key.isDestroyed()) {
                    slot.scrub(); // destroyed during the call: forget() may have looked at this slot before inUse was set
                }
                return result;
            } finally {
                slot.lock.unlock();
            }
        } finally {
            Arrays.fill(keyBytes, (byte) 0);
        }
    }

    /** The probe's variant, keyed by raw bytes (the public known-answer key). */
    private byte[] run(Slot slot, int mode, byte[] keyBytes, byte[] nonce, int nonceOff, byte[] in, int inOff, int inLen,
                       byte[] out) throws GeneralSecurityException {
        return crypt(slot.cipher, mode, keyBytes, nonce, nonceOff, in, inOff, inLen, out, 0);
    }

    private static byte[] crypt(Cipher cipher, int mode, byte[] keyBytes, byte[] nonce, int nonceOff, byte[] in, int inOff,
                                int inLen, byte[] out, int outOff) throws AEADBadTagException {
        RawKey rawKey = new RawKey(keyBytes);
        try {
            cipher.init(mode, rawKey, new GCMParameterSpec(TAG_BYTES * 8, nonce, nonceOff, NONCE_BYTES));
            if (out != null) {
                cipher.doFinal(in, inOff, inLen, out, outOff);
                return null;
            }
            return cipher.doFinal(in, inOff, inLen);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            // The provider's messages name lengths and modes, never key bytes.
            throw new IllegalStateException("AES-GCM with " + cipher.getProvider().getName() + " failed: " + e, e);
        }
    }

    private Slot newSlot() {
        try {
            Slot slot = new Slot(factory.create());
            SLOTS.add(slot);
            return slot;
        } catch (GeneralSecurityException e) {
            // It worked for the probe; a provider that changes its mind later is a broken JVM setup.
            throw new IllegalStateException(TRANSFORMATION + " stopped being available: " + e, e);
        }
    }

    @Override
    public String toString() {
        return description();
    }

    /** One thread's cipher; the lock only ever meets another thread in {@link #forget(EncryptionKey)}. */
    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        final Cipher cipher;
        /** The key whose material the cipher holds, null once scrubbed; guarded by lock. */
        EncryptionKey inUse;
        /** Distinct nonces for scrubs: GCM refuses to encrypt twice with one key and nonce. */
        long scrubs;

        Slot(Cipher cipher) {
            this.cipher = cipher;
        }

        void forget(EncryptionKey key) {
            lock.lock();
            try {
                if (inUse == key) {
                    scrub();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Re-keys with zeros in encrypt mode: that is what makes SunJCE zero both raw copies it keeps. */
        void scrub() {
            byte[] zero = new byte[16];
            byte[] nonce = new byte[NONCE_BYTES];
            long n = ++scrubs;
            for (int i = 0; i < 8; i++) {
                nonce[i] = (byte) (n >>> (8 * i));
            }
            try {
                cipher.init(Cipher.ENCRYPT_MODE, new RawKey(zero), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            } catch (GeneralSecurityException | RuntimeException e) {
                // Nothing better to do: the key stays in this cipher until it is used again or collected.
            }
            inUse = null;
        }
    }

    /**
     * A {@link SecretKey} over bytes the caller zeroes after the call: {@link #getEncoded()} hands out
     * copies (which the provider zeroes or keeps, see the class comment), and nothing else is kept.
     */
    private static final class RawKey implements SecretKey {
        private static final long serialVersionUID = 1L;
        private final transient byte[] bytes;

        RawKey(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public String getAlgorithm() {
            return "AES";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            return bytes.clone();
        }

        @Override
        public String toString() {
            return "RawKey[" + bytes.length * 8 + " bits]";
        }
    }

    /** GCM test case 14 (McGrew and Viega): AES-256, zero key, zero nonce, 16 zero bytes. */
    private static final class KnownAnswer {
        static final byte[] PLAINTEXT = new byte[16];

        static byte[] key() {
            return new byte[32];
        }

        static byte[] nonce() {
            return new byte[NONCE_BYTES];
        }

        static byte[] sealed() {
            return HexFormat.of().parseHex("cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919");
        }
    }
}
