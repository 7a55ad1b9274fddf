package io.memoram.connect.client.model;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;
import java.util.Arrays;

/**
 * A user's credentials for an approved access request. {@code memoryKey} and {@code encryptionKey}
 * (hex) are secrets: {@link #toString()} hides them; keep instances in task memory only.
 *
 * <p>The encryption key is read straight from the parser's buffer into a {@code char[]}, never into
 * a String, so whoever turns it into key bytes can zero it at once ({@link #wipeEncryptionKey()}).
 * The memory key stays a String: it is sent as text in request bodies, so a copy to wipe would not
 * help (docs/security.md says what stays in memory).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Credentials(
        @JsonProperty("user_id") @JsonAlias("userId") String userId,
        @JsonProperty("memory_key") @JsonAlias("memoryKey") String memoryKey,
        @JsonProperty("encryption_key") @JsonAlias("encryptionKey") @JsonDeserialize(using = KeyChars.class)
        char[] encryptionKey,
        @JsonProperty("key_version") @JsonAlias("keyVersion") int keyVersion) {

    /** Zeroes the encryption key's characters (null-safe, idempotent); call once they were parsed into key bytes. */
    public void wipeEncryptionKey() {
        if (encryptionKey != null) {
            Arrays.fill(encryptionKey, '\0');
        }
    }

    @Override
    public String toString() {
        return "Credentials[userId=" + userId + ", keyVersion=" + keyVersion + "]";
    }

    /**
     * A scalar's text as characters, copied from the parser's buffer without creating a String; the
     * same scalars a String field takes (numbers and booleans as their text), structures refused.
     */
    static final class KeyChars extends JsonDeserializer<char[]> {
        @Override
        public char[] deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.currentToken().isScalarValue() || p.currentToken().isStructStart()) {
                return (char[]) ctxt.handleUnexpectedToken(char[].class, p);
            }
            char[] buffer = p.getTextCharacters();
            int offset = p.getTextOffset();
            int length = p.getTextLength();
            return Arrays.copyOfRange(buffer, offset, offset + length);
        }
    }
}
