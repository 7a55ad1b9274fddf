package io.memoram.connect.emulator;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/** Identifier and secret generation in the shapes the real service uses. */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHANUM = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    static final Pattern CUID = Pattern.compile("c[a-z0-9]{24}");

    private Ids() {
    }

    /** cuid-like: "c" + 24 lowercase alphanumerics, e.g. cm8r8ny2i001mm24853tqfd62. Random, so id order is not insertion order. */
    static String cuid() {
        StringBuilder sb = new StringBuilder(25).append('c');
        for (int i = 0; i < 24; i++) {
            sb.append(ALPHANUM[RANDOM.nextInt(ALPHANUM.length)]);
        }
        return sb.toString();
    }

    static String apiKey() {
        return "mem_" + hex(24);
    }

    static String uuid() {
        return UUID.randomUUID().toString();
    }

    static String memoryKey() {
        return "mk_" + hex(16);
    }

    /** Opaque bearer token; the emulator does not need a verifiable JWT, only an unguessable one. */
    static String token() {
        return base64Url(32);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static String hex(int bytes) {
        return HexFormat.of().formatHex(randomBytes(bytes));
    }

    static String base64Url(int bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
    }
}
