package io.memoram.connect.emulator;

/**
 * A snapshot of an emulated Memoram user: id (uuid), memory key, current encryption key (hex) and its version.
 * After {@link MemoramEmulator#rotateKey(String)} take a fresh snapshot with {@link MemoramEmulator#user(String)}.
 */
public record EmulatedUser(String userId, String memoryKey, String encryptionKeyHex, int keyVersion) {
    @Override
    public String toString() {
        return "EmulatedUser[userId=" + userId + ", keyVersion=" + keyVersion + "]";
    }
}
