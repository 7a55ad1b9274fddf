package io.memoram.connect.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Cipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code aes-gcm} scheme (docs/memoram-api.md, "Content encryption"): {@code Base64(nonce(12) || ciphertext || tag(16))}, no
 * associated data, UTF-8 plaintext. The AES-GCM itself is the JVM's {@code AES/GCM/NoPadding} when it is
 * there and passes a known-answer test ({@link JdkAesGcm}, several times faster), else Bouncy Castle's
 * portable code ({@link BouncyCastleAesGcm}); both produce the same bytes.
 */
final class AesGcmCipher implements ContentCipher {
    static final int NONCE_BYTES = AesGcmEngine.NONCE_BYTES;
    static final int TAG_BYTES = AesGcmEngine.TAG_BYTES;
    private static final Logger log = LoggerFactory.getLogger(AesGcmCipher.class);
    static final AesGcmCipher INSTANCE = new AesGcmCipher(new SecureRandom(),
            select(() -> Cipher.getInstance(JdkAesGcm.TRANSFORMATION)));

    private final SecureRandom random;
    private final AesGcmEngine engine;

    AesGcmCipher(SecureRandom random, AesGcmEngine engine) {
        this.random = Objects.requireNonNull(random, "random");
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** The JVM's AES-GCM if it is usable, else Bouncy Castle's; says which in the worker's log. */
    static AesGcmEngine select(JdkAesGcm.CipherFactory factory) {
        JdkAesGcm.Probe probe = JdkAesGcm.probe(factory);
        if (probe.engine() != null) {
            log.info("aes-gcm content encryption uses {}", probe.engine().description());
            return probe.engine();
        }
        log.warn("aes-gcm content encryption falls back to {}, several times slower: {}",
                BouncyCastleAesGcm.INSTANCE.description(), probe.reason());
        return BouncyCastleAesGcm.INSTANCE;
    }

    AesGcmEngine engine() {
        return engine;
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
        checkUsable(key);
        checkNonce(nonce);
        byte[] data = plaintext.getBytes(StandardCharsets.UTF_8);
        try {
            byte[] out = new byte[NONCE_BYTES + data.length + TAG_BYTES];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            engine.encrypt(key, nonce, data, 0, data.length, out, NONCE_BYTES);
            return Base64.getEncoder().encodeToString(out);
        } finally {
            Arrays.fill(data, (byte) 0);
        }
    }

    @Override
    public String open(String content, EncryptionKey key) {
        byte[] raw = decodeBase64(content);
        checkUsable(key);
        byte[] data = engine.decrypt(key, raw, 0, raw, NONCE_BYTES, raw.length - NONCE_BYTES);
        try {
            return utf8(data);
        } finally {
            Arrays.fill(data, (byte) 0);
        }
    }

    /**
     * Strict UTF-8. The JDK's String constructor is the fast path but replaces malformed input with
     * U+FFFD; only when that character shows up (malformed, or really in the text) does a strict decoder decide.
     */
    private static String utf8(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data))
                    .toString();
        } catch (CharacterCodingException e) {
            // Authentic but not text: whoever sealed it did not follow docs/memoram-api.md ("Content encryption"). No other key helps.
            throw new MalformedCiphertextException("content opened but is not valid UTF-8", null);
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
    byte[] encrypt(EncryptionKey key, byte[] nonce, byte[] plaintext) {
        checkUsable(key);
        checkNonce(nonce);
        byte[] out = new byte[plaintext.length + TAG_BYTES];
        engine.encrypt(key, nonce, plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    /**
     * AES-GCM decryption of ciphertext || tag.
     *
     * @throws CiphertextAuthenticationException when the tag does not verify
     */
    byte[] decrypt(EncryptionKey key, byte[] nonce, byte[] sealed) {
        checkUsable(key);
        checkNonce(nonce);
        return engine.decrypt(key, nonce, 0, sealed, 0, sealed.length);
    }

    private static void checkUsable(EncryptionKey key) {
        if (key.isUnused()) {
            throw new InvalidKeyMaterialException("aes-gcm needs an encryption key; " + key + " has none", null);
        }
    }

    private static void checkNonce(byte[] nonce) {
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("aes-gcm nonce must be " + NONCE_BYTES + " bytes, was " + nonce.length);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
