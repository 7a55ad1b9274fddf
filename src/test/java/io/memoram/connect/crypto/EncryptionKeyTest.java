package io.memoram.connect.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EncryptionKeyTest {

    @ParameterizedTest
    @CsvSource({"16, 128", "24, 192", "32, 256"})
    void acceptsAesKeyLengths(int bytes, int bits) {
        EncryptionKey key = EncryptionKey.fromHex("a1".repeat(bytes), 7);

        assertThat(key.version()).isEqualTo(7);
        assertThat(key.bytes()).hasSize(bytes);
        assertThat(key).hasToString("EncryptionKey[version=7, " + bits + " bits]");
    }

    @Test
    void acceptsUpperCaseAndSurroundingBlanks() {
        EncryptionKey lower = EncryptionKey.fromHex("00112233445566778899aabbccddeeff", 1);
        EncryptionKey upper = EncryptionKey.fromHex(" 00112233445566778899AABBCCDDEEFF\n", 1);

        assertThat(upper.bytes()).isEqualTo(lower.bytes());
        assertThat(upper.sameMaterial(lower)).isTrue();
    }

    @Test
    void bytesAreACopy() {
        EncryptionKey key = EncryptionKey.fromHex("00".repeat(16), 1);
        key.bytes()[0] = 42;
        assertThat(key.bytes()[0]).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 15, 17, 20, 31, 33, 64})
    void rejectsOtherLengthsNamingTheLength(int bytes) {
        String hex = "ab".repeat(bytes);
        assertThatThrownBy(() -> EncryptionKey.fromHex(hex, 3))
                .isInstanceOf(InvalidKeyMaterialException.class)
                .hasMessage("encryption key (key_version 3) is " + bytes + " bytes; AES needs 16, 24 or 32")
                .hasMessageNotContaining(hex);
    }

    @Test
    void rejectsNonHexNamingThePositionButNotTheCharacter() {
        String hex = "00112233445566778899aabbccddeeXf";
        assertThatThrownBy(() -> EncryptionKey.fromHex(hex, 2))
                .isInstanceOf(InvalidKeyMaterialException.class)
                .hasMessage("encryption key (key_version 2) is not hex (invalid character at position 30)")
                .hasNoCause();
    }

    @Test
    void rejectsBase64LookingKeysAsNotHex() {
        assertThatThrownBy(() -> EncryptionKey.fromHex("q83vEjRWeJASNFZ4kBI0Vg==", 1))
                .isInstanceOf(InvalidKeyMaterialException.class)
                .hasMessageContaining("is not hex");
    }

    @Test
    void rejectsAnOddNumberOfHexDigits() {
        assertThatThrownBy(() -> EncryptionKey.fromHex("0".repeat(33), 1))
                .isInstanceOf(InvalidKeyMaterialException.class)
                .hasMessage("encryption key (key_version 1) is not hex (odd number of characters)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void rejectsBlankKeys(String hex) {
        assertThatThrownBy(() -> EncryptionKey.fromHex(hex, 1))
                .isInstanceOf(InvalidKeyMaterialException.class)
                .hasMessage("encryption key (key_version 1) is missing");
    }

    @Test
    void rejectsAMissingKey() {
        assertThatThrownBy(() -> EncryptionKey.fromHex(null, 5))
                .isInstanceOf(InvalidKeyMaterialException.class)
                .hasMessage("encryption key (key_version 5) is missing");
    }

    @Test
    void sameMaterialComparesBytesNotVersions() {
        EncryptionKey a = EncryptionKey.fromHex("11".repeat(16), 1);
        EncryptionKey sameBytesOtherVersion = EncryptionKey.fromHex("11".repeat(16), 2);
        EncryptionKey other = EncryptionKey.fromHex("12".repeat(16), 1);

        assertThat(a.sameMaterial(sameBytesOtherVersion)).isTrue();
        assertThat(a.sameMaterial(other)).isFalse();
    }

    @Test
    void theKeylessStandInSaysSo() {
        EncryptionKey unused = EncryptionKey.unused(9);
        assertThat(unused.isUnused()).isTrue();
        assertThat(unused.version()).isEqualTo(9);
        assertThat(unused).hasToString("EncryptionKey[version=9, unused]");
        assertThat(EncryptionKey.fromHex("00".repeat(16), 1).isUnused()).isFalse();
    }

    @Test
    void destroyZeroesTheBytesAndLaterUsesFailClearly() {
        String hex = "5a".repeat(32);
        EncryptionKey key = EncryptionKey.fromHex(hex, 4);
        String sealed = AesGcmCipher.INSTANCE.seal("secret note", key);
        byte[] array = key.rawBytesForTest();

        key.destroy();

        assertThat(array).as("the key's own array is zeroed, not just dropped").containsOnly(0);
        assertThat(key.isDestroyed()).isTrue();
        assertThat(key).hasToString("EncryptionKey[version=4, destroyed]");
        assertThatThrownBy(key::bytes).isInstanceOf(KeyDestroyedException.class)
                .hasMessage("encryption key (key_version 4) was wiped from memory: the user's access ended or the task stopped");
        assertThatThrownBy(() -> AesGcmCipher.INSTANCE.open(sealed, key)).isInstanceOf(KeyDestroyedException.class)
                .isNotInstanceOf(ContentCryptoException.class)
                .hasMessageNotContaining(hex).hasMessageNotContaining("5A5A");
        assertThatThrownBy(() -> AesGcmCipher.INSTANCE.seal("more", key)).isInstanceOf(KeyDestroyedException.class);
        assertThatThrownBy(() -> key.sameMaterial(EncryptionKey.fromHex(hex, 4))).isInstanceOf(KeyDestroyedException.class);
        key.destroy(); // idempotent
        assertThat(key.isDestroyed()).isTrue();
    }

    @Test
    void fromHexAndWipeZeroesTheCharactersItWasGiven() {
        char[] hex = " 00112233445566778899AABBCCDDEEFF\n".toCharArray();

        EncryptionKey key = EncryptionKey.fromHexAndWipe(hex, 4);

        assertThat(hex).containsOnly('\0');
        assertThat(key.sameMaterial(EncryptionKey.fromHex("00112233445566778899aabbccddeeff", 4))).isTrue();
        assertThat(key.version()).isEqualTo(4);
    }

    @Test
    void fromHexAndWipeZeroesTheCharactersOfAKeyItRefuses() {
        char[] hex = "00112233445566778899aabbccddeeXf".toCharArray();

        assertThatThrownBy(() -> EncryptionKey.fromHexAndWipe(hex, 2))
                .isInstanceOf(InvalidKeyMaterialException.class)
                .hasMessage("encryption key (key_version 2) is not hex (invalid character at position 30)");
        assertThat(hex).containsOnly('\0');
        assertThatThrownBy(() -> EncryptionKey.fromHexAndWipe(null, 2))
                .isInstanceOf(InvalidKeyMaterialException.class)
                .hasMessage("encryption key (key_version 2) is missing");
    }
}
