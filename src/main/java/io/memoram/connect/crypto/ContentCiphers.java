package io.memoram.connect.crypto;

import java.util.List;
import java.util.Locale;

/** The built-in content ciphers by config name. */
public final class ContentCiphers {
    public static final String AES_GCM = "aes-gcm";
    public static final String PLAINTEXT = "plaintext";

    private ContentCiphers() { }

    public static List<String> names() {
        return List.of(AES_GCM, PLAINTEXT);
    }

    /**
     * The cipher of that name, case-insensitively and ignoring surrounding blanks. The returned
     * instances are shared and thread-safe.
     *
     * @throws IllegalArgumentException naming the known schemes when {@code name} is unknown
     */
    public static ContentCipher forName(String name) {
        String normalized = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        switch (normalized) {
            case AES_GCM:
                return AesGcmCipher.INSTANCE;
            case PLAINTEXT:
                return PlaintextCipher.INSTANCE;
            default:
                throw new IllegalArgumentException("unknown content encryption scheme '" + name
                        + "'; known schemes: " + String.join(", ", names()));
        }
    }
}
