package io.memoram.connect.client;

/** 400 or 422: the request itself is wrong; retrying it cannot help. */
public class MemoramBadRequestException extends MemoramException {
    public MemoramBadRequestException(String call, int status, String message, Throwable cause) {
        super(call, status, message, cause);
    }
}
