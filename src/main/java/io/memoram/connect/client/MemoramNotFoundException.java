package io.memoram.connect.client;

/** 404: the blob, tag or access request does not exist. */
public class MemoramNotFoundException extends MemoramException {
    public MemoramNotFoundException(String call, int status, String message, Throwable cause) {
        super(call, status, message, cause);
    }
}
