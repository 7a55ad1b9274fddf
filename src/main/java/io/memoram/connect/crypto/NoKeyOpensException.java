package io.memoram.connect.crypto;

/** No key in a user's key ring opens the content (Part B.2: a decryption failure). */
public class NoKeyOpensException extends ContentCryptoException {
    public NoKeyOpensException(String message, Throwable cause) {
        super(message, cause);
    }
}
