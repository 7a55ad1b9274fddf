package io.memoram.connect.bench;

import io.memoram.connect.crypto.ContentCipher;
import io.memoram.connect.crypto.ContentCiphers;
import io.memoram.connect.crypto.EncryptionKey;
import java.util.HexFormat;
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
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CryptoBench {
    /** Plaintext size in bytes (ASCII text, so also its UTF-8 length). */
    @Param({"1024", "65536"})
    public int size;

    private final ContentCipher cipher = ContentCiphers.forName(ContentCiphers.AES_GCM);
    private EncryptionKey key;
    private String plaintext;
    private String sealed;

    @Setup
    public void setup() {
        Random random = new Random(42);
        byte[] keyBytes = new byte[32];
        random.nextBytes(keyBytes);
        key = EncryptionKey.fromHex(HexFormat.of().formatHex(keyBytes), 1);
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
}
