package io.memoram.connect.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every AES-GCM engine behind {@code aes-gcm} must do: the published vectors, the wire format,
 * interoperability with javax.crypto, failures. Run for the JVM's engine ({@link AesGcmCipherTest})
 * and for the Bouncy Castle fallback ({@link AesGcmFallbackTest}).
 */
abstract class AesGcmCipherContract {
    private static final HexFormat HEX = HexFormat.of();
    private static final String KEY_128 = "feffe9928665731c6d6a8f9467308308";
    private static final String KEY_192 = KEY_128 + "feffe9928665731c";
    private static final String KEY_256 = KEY_128 + KEY_128;

    protected final AesGcmCipher cipher = cipher();

    /** The cipher under test. */
    protected abstract AesGcmCipher cipher();

    /** Called before each encryption with a fixed nonce that an earlier one in the test already used. */
    protected void beforeReusingANonce() { }

    /**
     * McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B: the test cases
     * with a 96-bit IV and no additional data (1-3 AES-128, 7-9 AES-192, 13-15 AES-256).
     */
    @ParameterizedTest(name = "GCM spec test case {0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
        1  | 00000000000000000000000000000000 | - | 000000000000000000000000 | - | 58e2fccefa7e3061367f1d57a4e7455a
        2  | 00000000000000000000000000000000 | 00000000000000000000000000000000 | 000000000000000000000000 | 0388dace60b6a392f328c2b971b2fe78 | ab6e47d42cec13bdf53a67b21257bddf
        3  | feffe9928665731c6d6a8f9467308308 | d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255 | cafebabefacedbaddecaf888 | 42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985 | 4d5c2af327cd64a62cf35abd2ba6fab4
        7  | 000000000000000000000000000000000000000000000000 | - | 000000000000000000000000 | - | cd33b28ac773f74ba00ed1f312572435
        8  | 000000000000000000000000000000000000000000000000 | 00000000000000000000000000000000 | 000000000000000000000000 | 98e7247c07f0fe411c267e4384b0f600 | 2ff58d80033927ab8ef4d4587514f0fb
        9  | feffe9928665731c6d6a8f9467308308feffe9928665731c | d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255 | cafebabefacedbaddecaf888 | 3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710acade256 | 9924a7c8587336bfb118024db8674a14
        13 | 0000000000000000000000000000000000000000000000000000000000000000 | - | 000000000000000000000000 | - | 530f8afbc74536b9a963b4f1c4cb738b
        14 | 0000000000000000000000000000000000000000000000000000000000000000 | 00000000000000000000000000000000 | 000000000000000000000000 | cea7403d4d606b6e074ec5d3baf39d18 | d0d1c8a799996bf0265b98b5d48ab919
        15 | feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308 | d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255 | cafebabefacedbaddecaf888 | 522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad | b094dac5d93471bdec1a502270e3cc6c
        """)
    void matchesThePublishedGcmTestVectors(int testCase, String key, String plaintext, String iv,
                                           String ciphertext, String tag) {
        EncryptionKey k = EncryptionKey.fromHex(key, 1);
        byte[] p = plaintext == null ? new byte[0] : HEX.parseHex(plaintext);
        byte[] expected = HEX.parseHex((ciphertext == null ? "" : ciphertext) + tag);

        beforeReusingANonce(); // cases 1 and 2 (7 and 8, 13 and 14) share key and nonce
        assertThat(HEX.formatHex(cipher.encrypt(k, HEX.parseHex(iv), p))).isEqualTo(HEX.formatHex(expected));
        assertThat(cipher.decrypt(k, HEX.parseHex(iv), expected)).isEqualTo(p);
    }

    @Test
    void theContentFormatIsBase64OfNonceCiphertextAndTag() {
        // Test case 14: sixteen zero bytes are valid UTF-8 (sixteen NULs), so the whole String path applies.
        EncryptionKey key = EncryptionKey.fromHex("00".repeat(32), 1);
        String sixteenNuls = "\0".repeat(16);
        byte[] nonce = new byte[12];
        String expected = Base64.getEncoder().encodeToString(HEX.parseHex("000000000000000000000000"
                + "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919"));

        beforeReusingANonce(); // the vectors above use this key and nonce too
        assertThat(cipher.seal(sixteenNuls, key, nonce)).isEqualTo(expected);
        assertThat(cipher.open(expected, key)).isEqualTo(sixteenNuls);
    }

    @ParameterizedTest
    @ValueSource(strings = {KEY_128, KEY_192, KEY_256})
    void whatWeSealJavaxCryptoOpens(String keyHex) throws Exception {
        String plaintext = "Grüße, 世界 🌍 — meeting notes";
        String content = cipher.seal(plaintext, EncryptionKey.fromHex(keyHex, 1));

        byte[] raw = Base64.getDecoder().decode(content);
        Cipher jce = Cipher.getInstance("AES/GCM/NoPadding");
        jce.init(Cipher.DECRYPT_MODE, new SecretKeySpec(HEX.parseHex(keyHex), "AES"),
                new GCMParameterSpec(128, raw, 0, 12));
        byte[] opened = jce.doFinal(raw, 12, raw.length - 12);

        assertThat(new String(opened, StandardCharsets.UTF_8)).isEqualTo(plaintext);
    }

    @ParameterizedTest
    @ValueSource(strings = {KEY_128, KEY_192, KEY_256})
    void whatJavaxCryptoSealsWeOpen(String keyHex) throws Exception {
        String plaintext = "sealed by the JDK: ünïcödé ✓";
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        Cipher jce = Cipher.getInstance("AES/GCM/NoPadding");
        jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(HEX.parseHex(keyHex), "AES"), new GCMParameterSpec(128, nonce));
        byte[] sealed = jce.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
        byte[] raw = new byte[12 + sealed.length];
        System.arraycopy(nonce, 0, raw, 0, 12);
        System.arraycopy(sealed, 0, raw, 12, sealed.length);

        assertThat(cipher.open(Base64.getEncoder().encodeToString(raw), EncryptionKey.fromHex(keyHex, 1)))
                .isEqualTo(plaintext);
    }

    @ParameterizedTest
    @ValueSource(ints = {15, 16, 17, 8191, 8192, 8193, 16389, 65536, 100_000})
    void contentsOfEverySizeAreSealedAsJavaxCryptoSealsThem(int bytes) throws Exception {
        EncryptionKey key = EncryptionKey.fromHex(KEY_256, 1);
        String plaintext = "a".repeat(bytes);
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);

        byte[] raw = Base64.getDecoder().decode(cipher.seal(plaintext, key, nonce));

        Cipher jce = Cipher.getInstance("AES/GCM/NoPadding");
        jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(HEX.parseHex(KEY_256), "AES"), new GCMParameterSpec(128, nonce));
        byte[] expected = jce.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
        assertThat(java.util.Arrays.copyOfRange(raw, 12, raw.length)).isEqualTo(expected);
        assertThat(cipher.open(Base64.getEncoder().encodeToString(raw), key)).isEqualTo(plaintext);
    }

    @Test
    void roundTripsTheEmptyString() {
        EncryptionKey key = EncryptionKey.fromHex(KEY_128, 1);
        String content = cipher.seal("", key);

        assertThat(Base64.getDecoder().decode(content)).hasSize(12 + 16);
        assertThat(cipher.open(content, key)).isEmpty();
    }

    @Test
    void roundTripsUnicodeIncludingSupplementaryCharacters() {
        EncryptionKey key = EncryptionKey.fromHex(KEY_256, 1);
        String plaintext = "日本語 • עברית • emoji 👩‍💻🧠 • combining e\u0301 • \u0000 nul";

        assertThat(cipher.open(cipher.seal(plaintext, key), key)).isEqualTo(plaintext);
    }

    @Test
    void roundTripsOneMegabyte() {
        EncryptionKey key = EncryptionKey.fromHex(KEY_256, 1);
        StringBuilder sb = new StringBuilder(1 << 20);
        SecureRandom random = new SecureRandom();
        while (sb.length() < (1 << 20)) {
            sb.append((char) ('a' + random.nextInt(26))).append(random.nextInt(50) == 0 ? "ü" : "");
        }
        String plaintext = sb.toString();

        String content = cipher.seal(plaintext, key);

        assertThat(Base64.getDecoder().decode(content).length)
                .isEqualTo(12 + plaintext.getBytes(StandardCharsets.UTF_8).length + 16);
        assertThat(cipher.open(content, key)).isEqualTo(plaintext);
    }

    @Test
    void everySealUsesAFreshNonce() {
        EncryptionKey key = EncryptionKey.fromHex(KEY_128, 1);
        Set<String> nonces = new HashSet<>();
        Set<String> contents = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String content = cipher.seal("same plaintext every time", key);
            contents.add(content);
            nonces.add(HEX.formatHex(Base64.getDecoder().decode(content), 0, 12));
        }
        assertThat(nonces).hasSize(2000);
        assertThat(contents).hasSize(2000);
    }

    @Test
    void outputIsStandardBase64WithPadding() {
        EncryptionKey key = EncryptionKey.fromHex(KEY_128, 1);
        // 12 + 1 + 16 = 29 bytes: not a multiple of 3, so padding must appear.
        String content = cipher.seal("x", key);
        assertThat(content).matches("[A-Za-z0-9+/]+={1,2}").hasSize(40);
    }

    @Test
    void flippingAnyBitOfNonceCiphertextOrTagFailsAuthentication() {
        EncryptionKey key = EncryptionKey.fromHex(KEY_128, 1);
        String plaintext = "do not tamper with me";
        byte[] raw = Base64.getDecoder().decode(cipher.seal(plaintext, key));
        int[] positions = {0, 11, 12, 12 + plaintext.length() - 1, raw.length - 16, raw.length - 1};
        for (int position : positions) {
            for (int bit = 0; bit < 8; bit += 7) {
                byte[] tampered = raw.clone();
                tampered[position] ^= (byte) (1 << bit);
                String content = Base64.getEncoder().encodeToString(tampered);

                assertThatThrownBy(() -> cipher.open(content, key))
                        .as("byte %d bit %d", position, bit)
                        .isInstanceOf(CiphertextAuthenticationException.class)
                        .hasMessageContaining("does not verify")
                        .hasMessageNotContaining(plaintext);
            }
        }
    }

    @Test
    void truncatedContentFailsAuthenticationOrIsMalformed() {
        EncryptionKey key = EncryptionKey.fromHex(KEY_128, 1);
        byte[] raw = Base64.getDecoder().decode(cipher.seal("a plaintext of some length", key));

        String oneByteShort = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(raw, raw.length - 1));
        assertThatThrownBy(() -> cipher.open(oneByteShort, key)).isInstanceOf(CiphertextAuthenticationException.class);

        String tagOnly = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(raw, 28));
        assertThatThrownBy(() -> cipher.open(tagOnly, key)).isInstanceOf(CiphertextAuthenticationException.class);

        String tooShort = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(raw, 27));
        assertThatThrownBy(() -> cipher.open(tooShort, key))
                .isInstanceOf(MalformedCiphertextException.class)
                .hasMessage("content is too short for aes-gcm: 27 bytes, at least 28 (nonce and tag) needed");
    }

    @Test
    void anotherKeyFailsAuthenticationWithoutRevealingAnything() {
        String plaintext = "secret plaintext";
        String content = cipher.seal(plaintext, EncryptionKey.fromHex(KEY_128, 1));
        EncryptionKey other = EncryptionKey.fromHex("00112233445566778899aabbccddeeff", 2);

        assertThatThrownBy(() -> cipher.open(content, other))
                .isInstanceOf(CiphertextAuthenticationException.class)
                .hasMessage("content does not verify with EncryptionKey[version=2, 128 bits]: "
                        + "tampered with, or sealed with another key")
                .hasNoCause();
    }

    @ParameterizedTest
    @ValueSource(strings = {"not base64 at all!", "QUJD*REVG", "Zm9v\nYmFy", "Zm9=v"})
    void contentThatIsNotBase64IsMalformed(String content) {
        assertThatThrownBy(() -> cipher.open(content, EncryptionKey.fromHex(KEY_128, 1)))
                .isInstanceOf(MalformedCiphertextException.class)
                .hasMessageStartingWith("content is not standard Base64")
                .hasMessageNotContaining(content)
                .hasNoCause();
    }

    @Test
    void urlSafeBase64IsNotAccepted() {
        // '-' and '_' are the URL-safe alphabet; docs/memoram-api.md ("Content encryption") says standard Base64.
        assertThatThrownBy(() -> cipher.open("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-_", EncryptionKey.fromHex(KEY_128, 1)))
                .isInstanceOf(MalformedCiphertextException.class);
    }

    @Test
    void missingContentIsMalformed() {
        assertThatThrownBy(() -> cipher.open(null, EncryptionKey.fromHex(KEY_128, 1)))
                .isInstanceOf(MalformedCiphertextException.class).hasMessage("content is missing");
    }

    @Test
    void authenticContentThatIsNotUtf8IsMalformed() {
        EncryptionKey key = EncryptionKey.fromHex(KEY_128, 1);
        byte[] nonce = new byte[12];
        beforeReusingANonce();
        byte[] sealed = cipher.encrypt(key, nonce, new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
        byte[] raw = new byte[12 + sealed.length];
        System.arraycopy(sealed, 0, raw, 12, sealed.length);

        assertThatThrownBy(() -> cipher.open(Base64.getEncoder().encodeToString(raw), key))
                .isInstanceOf(MalformedCiphertextException.class)
                .hasMessage("content opened but is not valid UTF-8");
    }

    @Test
    void refusesTheKeylessStandIn() {
        assertThatThrownBy(() -> cipher.seal("x", EncryptionKey.unused(4)))
                .isInstanceOf(InvalidKeyMaterialException.class)
                .hasMessageContaining("aes-gcm needs an encryption key");
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        EncryptionKey key = EncryptionKey.fromHex(KEY_256, 1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                jobs.add(() -> {
                    for (int i = 0; i < 500; i++) {
                        String plaintext = "thread " + thread + " message " + i;
                        if (!cipher.open(cipher.seal(plaintext, key), key).equals(plaintext)) {
                            return false;
                        }
                    }
                    return true;
                });
            }
            for (Future<Boolean> result : pool.invokeAll(jobs, 60, TimeUnit.SECONDS)) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
