package io.memoram.connect.client;

/** 403: access to that user is not (or no longer) granted, e.g. the request is pending, rejected or revoked. */
public class MemoramAccessDeniedException extends MemoramException {
    public MemoramAccessDeniedException(String call, int status, String message, Throwable cause) {
        super(call, status, message, cause);
    }
}
