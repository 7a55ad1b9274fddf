package io.memoram.connect.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The {@code aes-gcm} scheme (docs/memoram-api.md, "Content encryption"): {@code Base64(nonce(12) || ciphertext || tag(16))}, no
 * associated data, UTF-8 plaintext. Bouncy Castle's lightweight API, so nothing depends on the
 * worker's JCE providers. A new GCM instance per call: they are cheap and not thread-safe.
 */
final class AesGcmCipher implements ContentCipher {
    static final int NONCE_BYTES = 12;
    static final int TAG_BYTES = 16;
    static final AesGcmCipher INSTANCE = new AesGcmCipher(new SecureRandom());

    private final SecureRandom random;

    AesGcmCipher(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public String name() {
        return ContentCiphers.AES_GCM;
    }

    @Override
    public String seal(String plaintext, EncryptionKey key) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return seal(plaintext, key, nonce);
    }

    /** {@link #seal(String, EncryptionKey)} with a given nonce: for test vectors only, never reuse one. */
    String seal(String plaintext, EncryptionKey key, byte[] nonce) {
        byte[] data = plaintext.getBytes(StandardCharsets.UTF_8);
        byte[] sealed = encrypt(key, nonce, data);
        byte[] out = new byte[NONCE_BYTES + sealed.length];
        System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
        System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
        Arrays.fill(data, (byte) 0);
        return Base64.getEncoder().encodeToString(out);
    }

    @Override
    public String open(String content, EncryptionKey key) {
        byte[] raw = decodeBase64(content);
        byte[] nonce = Arrays.copyOfRange(raw, 0, NONCE_BYTES);
        byte[] sealed = Arrays.copyOfRange(raw, NONCE_BYTES, raw.length);
        byte[] data = decrypt(key, nonce, sealed);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data))
                    .toString();
        } catch (CharacterCodingException e) {
            // Authentic but not text: whoever sealed it did not follow docs/memoram-api.md ("Content encryption"). No other key helps.
            throw new MalformedCiphertextException("content opened but is not valid UTF-8", null);
        } finally {
            Arrays.fill(data, (byte) 0);
        }
    }

    /** Base64 of at least nonce plus tag, or {@link MalformedCiphertextException}. */
    static byte[] decodeBase64(String content) {
        if (content == null) {
            throw new MalformedCiphertextException("content is missing", null);
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(content);
        } catch (IllegalArgumentException e) {
            // The JDK's message may quote a character of the content: not passed on.
            throw new MalformedCiphertextException("content is not standard Base64 (length "
                    + content.length() + " characters)", null);
        }
        if (raw.length < NONCE_BYTES + TAG_BYTES) {
            throw new MalformedCiphertextException("content is too short for aes-gcm: " + raw.length
                    + " bytes, at least " + (NONCE_BYTES + TAG_BYTES) + " (nonce and tag) needed", null);
        }
        return raw;
    }

    /** AES-GCM encryption with a 128-bit tag, no AAD: returns ciphertext || tag. */
    static byte[] encrypt(EncryptionKey key, byte[] nonce, byte[] plaintext) {
        GCMModeCipher gcm = init(true, key, nonce);
        byte[] out = new byte[gcm.getOutputSize(plaintext.length)];
        int n = gcm.processBytes(plaintext, 0, plaintext.length, out, 0);
        try {
            n += gcm.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e); // cannot happen when encrypting
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * AES-GCM decryption of ciphertext || tag.
     *
     * @throws CiphertextAuthenticationException when the tag does not verify
     */
    static byte[] decrypt(EncryptionKey key, byte[] nonce, byte[] sealed) {
        GCMModeCipher gcm = init(false, key, nonce);
        byte[] out = new byte[gcm.getOutputSize(sealed.length)];
        int n = gcm.processBytes(sealed, 0, sealed.length, out, 0);
        try {
            n += gcm.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            Arrays.fill(out, (byte) 0);
            throw new CiphertextAuthenticationException("content does not verify with " + key
                    + ": tampered with, or sealed with another key", null);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static GCMModeCipher init(boolean forEncryption, EncryptionKey key, byte[] nonce) {
        if (key.isUnused()) {
            throw new InvalidKeyMaterialException("aes-gcm needs an encryption key; " + key + " has none", null);
        }
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("aes-gcm nonce must be " + NONCE_BYTES + " bytes, was " + nonce.length);
        }
        byte[] keyBytes = key.bytes();
        try {
            GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
            gcm.init(forEncryption, new AEADParameters(new KeyParameter(keyBytes), TAG_BYTES * 8, nonce));
            return gcm;
        } finally {
            Arrays.fill(keyBytes, (byte) 0); // KeyParameter keeps its own copy
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
