package io.memoram.connect.crypto;

/** The content is not standard Base64, or shorter than nonce plus tag. */
public class MalformedCiphertextException extends ContentCryptoException {
    public MalformedCiphertextException(String message, Throwable cause) {
        super(message, cause);
    }
}
