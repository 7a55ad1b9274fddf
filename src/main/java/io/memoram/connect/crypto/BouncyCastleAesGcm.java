package io.memoram.connect.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-GCM with Bouncy Castle's lightweight API: portable Java, independent of the JVM's JCE
 * providers, so it is the fallback where those lack a usable {@code AES/GCM/NoPadding} (a
 * FIPS-configured JVM can). New instances per call: they are not thread-safe, and a fresh instance
 * holds no key once the call returns. The key parameter's copy is zeroed right after init; the
 * engine's round keys and GHASH tables are left to the garbage collector (Bouncy Castle offers no
 * way to zero them).
 */
final class BouncyCastleAesGcm implements AesGcmEngine {
    static final BouncyCastleAesGcm INSTANCE = new BouncyCastleAesGcm();

    private BouncyCastleAesGcm() { }

    @Override
    public String description() {
        return "Bouncy Castle lightweight AES-GCM (portable Java)";
    }

    @Override
    public void encrypt(EncryptionKey key, byte[] nonce, byte[] in, int inOff, int inLen, byte[] out, int outOff) {
        GCMModeCipher gcm = init(true, key, nonce, 0);
        int n = gcm.processBytes(in, inOff, inLen, out, outOff);
        try {
            gcm.doFinal(out, outOff + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e); // cannot happen when encrypting
        }
    }

    @Override
    public byte[] decrypt(EncryptionKey key, byte[] nonce, int nonceOff, byte[] in, int inOff, int inLen) {
        GCMModeCipher gcm = init(false, key, nonce, nonceOff);
        byte[] out = new byte[gcm.getOutputSize(inLen)];
        int n = gcm.processBytes(in, inOff, inLen, out, 0);
        try {
            n += gcm.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            Arrays.fill(out, (byte) 0);
            throw new CiphertextAuthenticationException("content does not verify with " + key
                    + ": tampered with, or sealed with another key", null);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static GCMModeCipher init(boolean forEncryption, EncryptionKey key, byte[] nonce, int nonceOff) {
        byte[] keyBytes = key.bytes();
        KeyParameter parameter = new KeyParameter(keyBytes);
        try {
            GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
            gcm.init(forEncryption, new AEADParameters(parameter, TAG_BYTES * 8,
                    Arrays.copyOfRange(nonce, nonceOff, nonceOff + NONCE_BYTES)));
            return gcm;
        } finally {
            Arrays.fill(keyBytes, (byte) 0);
            // getKey() is the parameter's own copy (not a clone): the engine expanded it during init.
            Arrays.fill(parameter.getKey(), (byte) 0);
        }
    }

    @Override
    public String toString() {
        return description();
    }
}
