package io.memoram.connect.client;

/** 401 after one token renewal, or the API key refused by /auth/token: the developer API key is wrong or revoked. */
public class MemoramAuthenticationException extends MemoramException {
    public MemoramAuthenticationException(String call, int status, String message, Throwable cause) {
        super(call, status, message, cause);
    }
}
