package io.memoram.connect.bench;

import io.memoram.connect.crypto.ContentCipher;
import io.memoram.connect.crypto.ContentCiphers;
import io.memoram.connect.crypto.EncryptionKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import java.util.concurrent.TimeUnit;

/**
 * aes-gcm through the public {@link ContentCipher} API with an AES-256 key: seal (UTF-8 encode,
 * random nonce, encrypt, Base64) and open (Base64 decode, decrypt and verify, strict UTF-8 decode),
 * i.e. exactly what the sink does per record and the source per changed blob.
 *
 * <p>{@link #sealJdkReference()} is a yardstick, not plugin code: the same format produced with the JDK's
 * own provider (SunJCE, which uses the CPU's AES and carry-less multiply instructions where it can),
 * to show what the choice of Bouncy Castle's portable lightweight API costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CryptoBench {
    /** Plaintext size in bytes (ASCII text, so also its UTF-8 length). */
    @Param({"1024", "65536"})
    public int size;

    private final ContentCipher cipher = ContentCiphers.forName(ContentCiphers.AES_GCM);
    private final SecureRandom random = new SecureRandom();
    private EncryptionKey key;
    private SecretKeySpec jdkKey;
    private String plaintext;
    private String sealed;

    @Setup
    public void setup() {
        Random random = new Random(42);
        byte[] keyBytes = new byte[32];
        random.nextBytes(keyBytes);
        key = EncryptionKey.fromHex(HexFormat.of().formatHex(keyBytes), 1);
        jdkKey = new SecretKeySpec(keyBytes, "AES");
        plaintext = BenchData.text(size, random);
        sealed = cipher.seal(plaintext, key);
    }

    @Benchmark
    public String seal() {
        return cipher.seal(plaintext, key);
    }

    @Benchmark
    public String open() {
        return cipher.open(sealed, key);
    }

    @Benchmark
    public String sealJdkReference() throws GeneralSecurityException {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, jdkKey, new GCMParameterSpec(128, nonce));
        byte[] data = plaintext.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[12 + gcm.getOutputSize(data.length)];
        System.arraycopy(nonce, 0, out, 0, 12);
        gcm.doFinal(data, 0, data.length, out, 12);
        return Base64.getEncoder().encodeToString(out);
    }
}
