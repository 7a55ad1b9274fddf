package io.memoram.connect.util;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256, the plugin's one hash: blob fingerprints and buckets in source offsets, memory-key
 * fingerprints, the sink's idempotency markers. Every Java platform must provide it, so its
 * absence is an error of the JVM, not of the caller.
 */
public final class Sha256 {
    private Sha256() { }

    /** A fresh digest, for callers that feed several fields. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform but is missing here", e);
        }
    }

    /** The digest of {@code text} in UTF-8. */
    public static byte[] of(String text) {
        return newDigest().digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
