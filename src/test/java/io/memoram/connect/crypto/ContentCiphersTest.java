package io.memoram.connect.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentCiphersTest {

    @ParameterizedTest
    @ValueSource(strings = {"aes-gcm", "AES-GCM", "Aes-Gcm", " aes-gcm "})
    void findsAesGcmCaseInsensitively(String name) {
        ContentCipher cipher = ContentCiphers.forName(name);
        assertThat(cipher.name()).isEqualTo("aes-gcm");
        assertThat(cipher.usesKey()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"plaintext", "PLAINTEXT", "PlainText"})
    void findsPlaintextCaseInsensitively(String name) {
        ContentCipher cipher = ContentCiphers.forName(name);
        assertThat(cipher.name()).isEqualTo("plaintext");
        assertThat(cipher.usesKey()).isFalse();
    }

    @Test
    void everyListedNameResolvesToItself() {
        for (String name : ContentCiphers.names()) {
            assertThat(ContentCiphers.forName(name).name()).isEqualTo(name);
        }
    }

    @Test
    void unknownNamesAreRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> ContentCiphers.forName("aes-cbc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown content encryption scheme 'aes-cbc'; known schemes: aes-gcm, plaintext");
    }

    @Test
    void aMissingNameIsRefused() {
        assertThatThrownBy(() -> ContentCiphers.forName(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("known schemes: aes-gcm, plaintext");
    }

    @Test
    void plaintextPassesContentThroughUnchanged() {
        ContentCipher plaintext = ContentCiphers.forName("plaintext");
        EncryptionKey key = EncryptionKey.fromHex("00".repeat(16), 1);
        String text = "not base64 at all — ünïcödé 🧠\n";

        assertThat(plaintext.seal(text, key)).isSameAs(text);
        assertThat(plaintext.open(text, key)).isSameAs(text);
        assertThat(plaintext.open("", EncryptionKey.unused(1))).isEmpty();
    }

    @Test
    void plaintextRefusesMissingContent() {
        ContentCipher plaintext = ContentCiphers.forName("plaintext");
        assertThatThrownBy(() -> plaintext.open(null, EncryptionKey.unused(1)))
                .isInstanceOf(MalformedCiphertextException.class);
        assertThatThrownBy(() -> plaintext.seal(null, EncryptionKey.unused(1)))
                .isInstanceOf(NullPointerException.class);
    }
}
