package io.memoram.connect.crypto;

import java.util.List;

/** The built-in content ciphers by config name. SKELETON: being implemented. */
public final class ContentCiphers {
    public static final String AES_GCM = "aes-gcm";
    public static final String PLAINTEXT = "plaintext";

    private ContentCiphers() { }

    public static List<String> names() {
        return List.of(AES_GCM, PLAINTEXT);
    }

    /** @throws IllegalArgumentException naming the known schemes when {@code name} is unknown */
    public static ContentCipher forName(String name) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
