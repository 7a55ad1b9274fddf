package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.memoram.connect.client.model.Credentials;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The encryption key comes out of the JSON as characters the task can zero, never as a String. */
class CredentialsTest {
    private static final String HEX = "00112233445566778899aabbccddeeff";

    private static Credentials read(String json) throws Exception {
        // Bytes, as the transport hands them to Jackson.
        return Json.mapper().readValue(json.getBytes(StandardCharsets.UTF_8), Credentials.class);
    }

    @Test
    void theEncryptionKeyIsCharactersThatCanBeWiped() throws Exception {
        Credentials c = read("{\"user_id\":\"u\",\"memory_key\":\"mk\",\"encryption_key\":\"" + HEX + "\",\"key_version\":2}");
        char[] key = c.encryptionKey();

        assertThat(new String(key)).isEqualTo(HEX);
        assertThat(c.keyVersion()).isEqualTo(2);

        c.wipeEncryptionKey();

        assertThat(key).as("zeroed in place").containsOnly('\0');
        assertThat(c.encryptionKey()).isSameAs(key);
        assertThat(c.toString()).doesNotContain(HEX).doesNotContain("mk");
    }

    @Test
    void camelCaseAndMissingKeysAreRead() throws Exception {
        assertThat(new String(read("{\"userId\":\"u\",\"encryptionKey\":\"" + HEX + "\"}").encryptionKey())).isEqualTo(HEX);
        Credentials none = read("{\"user_id\":\"u\",\"encryption_key\":null}");
        assertThat(none.encryptionKey()).isNull();
        none.wipeEncryptionKey(); // nothing to wipe, no failure
        assertThat(read("{\"user_id\":\"u\"}").encryptionKey()).isNull();
    }

    @Test
    void scalarsAreTakenAsTheirTextAsAStringFieldWouldAndStructuresAreRefused() throws Exception {
        // Same outcomes as the String field had: a number's text is "key material" that the cipher refuses later.
        assertThat(new String(read("{\"user_id\":\"u\",\"encryption_key\":1234}").encryptionKey())).isEqualTo("1234");
        assertThat(new String(read("{\"user_id\":\"u\",\"encryption_key\":true}").encryptionKey())).isEqualTo("true");
        assertThatThrownBy(() -> read("{\"user_id\":\"u\",\"encryption_key\":{\"a\":1}}"))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> read("{\"user_id\":\"u\",\"encryption_key\":[\"a\"]}"))
                .isInstanceOf(MismatchedInputException.class);
    }
}
