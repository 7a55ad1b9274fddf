package io.memoram.connect.client;

/**
 * The call's {@link SendGate} refused it: no request of this attempt was sent, so the call had no
 * effect on the server (earlier attempts may have had, as after any failure). Not retried by the client.
 */
public class MemoramCallWithheldException extends MemoramUnavailableException {

    public MemoramCallWithheldException(String call) {
        super(call, 0, call + " not sent: its caller called it off", null, null);
    }
}
