package io.memoram.connect.crypto;

/** The GCM tag did not verify: the content was tampered with, or sealed with another key. */
public class CiphertextAuthenticationException extends ContentCryptoException {
    public CiphertextAuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
