package io.memoram.connect.crypto;

/** Base of crypto failures. Messages never contain key material, plaintext or ciphertext. */
public class ContentCryptoException extends RuntimeException {
    public ContentCryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
