package io.memoram.connect.crypto;

/** The encryption key is not valid hex, or not 16, 24 or 32 bytes: a credential error. */
public class InvalidKeyMaterialException extends ContentCryptoException {
    public InvalidKeyMaterialException(String message, Throwable cause) {
        super(message, cause);
    }
}
