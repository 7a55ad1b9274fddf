package io.memoram.connect.crypto;

/** No key in a user's key ring opens the content (a decryption failure: docs/memoram-api.md, "Key rotation"). */
public class NoKeyOpensException extends ContentCryptoException {
    public NoKeyOpensException(String message, Throwable cause) {
        super(message, cause);
    }
}
