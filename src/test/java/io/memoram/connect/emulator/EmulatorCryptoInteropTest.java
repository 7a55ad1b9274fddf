package io.memoram.connect.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.crypto.ContentCipher;
import io.memoram.connect.crypto.ContentCiphers;
import io.memoram.connect.crypto.EncryptionKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The emulator's javax.crypto sealing and the connector's Bouncy Castle {@code aes-gcm} are written
 * independently from docs/memoram-api.md ("Content encryption"); each must open what the other seals.
 */
class EmulatorCryptoInteropTest {

    @Test
    void emulatorAndConnectorCiphersOpenEachOthersContent() {
        try (MemoramEmulator emu = MemoramEmulator.start()) {
            EmulatedUser user = emu.createUser();
            ContentCipher aesGcm = ContentCiphers.forName(ContentCiphers.AES_GCM);
            EncryptionKey key = EncryptionKey.fromHex(user.encryptionKeyHex(), user.keyVersion());
            String text = "Ünïcødé memories ☕ with emoji 🧠 and\nnewlines";

            String blobId = emu.putBlob(user.userId(), text, "t", List.of());
            assertThat(aesGcm.open(emu.blob(user.userId(), blobId).content(), key)).isEqualTo(text);

            String sealedByConnector = aesGcm.seal(text, key);
            assertThat(emu.decrypt(user.userId(), sealedByConnector)).isEqualTo(text);
            assertThat(aesGcm.open(emu.seal(user.userId(), ""), key)).isEmpty();
        }
    }
}
